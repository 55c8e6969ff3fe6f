/**
 * A message filter as SQL: one WHERE clause over `messages m` for the
 * grid, the CSV export and the CLI alike. Free text goes through the trigram
 * full-text index, which then drives the query newest first; it needs three
 * characters (shorter text would be a scan of every message for a match
 * almost everywhere). A sender is looked up in the envelope sender's and the
 * From's indexes apart, a union SQLite cannot make of an OR on its own.
 */
import { ApiError } from '../../api/contract.js';
import type { MessageFilter } from '../../api/schemas/messages.js';
import { groupKeySql } from './group-key.js';
import { firstSeqAt } from './sequence.js';

export interface FilterSql {
  /** "FROM ..." including the full-text join when searching. */
  from: string;
  /** "WHERE ..." (or ''). */
  where: string;
  params: unknown[];
  /** The key that orders by acceptance: the full-text index's rowid when it drives the query. */
  seq: 'm.seq' | 't.rowid';
  /** Counting the matches: the full-text index alone when free text is the whole filter. */
  count: string;
}

/** Trigram search needs three characters; shorter text cannot use the index. */
const TRIGRAM = 3;

export function filterSql(filter: MessageFilter): FilterSql {
  const clauses: string[] = [];
  const params: unknown[] = [];
  let from = 'FROM messages m';
  if (filter.group) {
    clauses.push(`m.list = ? COLLATE NOCASE AND ${groupKeySql(filter.group.by)} = ?`);
    params.push(filter.group.list, filter.group.key);
  }
  if (filter.status && filter.status.length > 0) {
    clauses.push(`m.status IN (${filter.status.map(() => '?').join(', ')})`);
    params.push(...filter.status);
  }
  if (filter.list !== undefined) {
    clauses.push('m.list = ? COLLATE NOCASE');
    params.push(filter.list);
  }
  if (filter.user !== undefined) {
    clauses.push('m.user = ?');
    params.push(filter.user);
  }
  if (filter.sender !== undefined) {
    const sender = filter.sender.trim().toLowerCase();
    if (sender.startsWith('@')) {
      clauses.push('(m.envelope_domain = ? OR m.from_domain = ?)');
    } else {
      clauses.push('m.seq IN (SELECT seq FROM messages WHERE envelope_from = ? COLLATE NOCASE UNION ALL SELECT seq FROM messages WHERE from_addr = ? COLLATE NOCASE)');
    }
    params.push(sender, sender);
  }
  if (filter.since !== undefined) {
    clauses.push('m.seq >= ?');
    params.push(firstSeqAt(Date.parse(filter.since)));
  }
  if (filter.until !== undefined) {
    clauses.push('m.seq < ?');
    params.push(firstSeqAt(Date.parse(filter.until)));
  }
  const search = filter.search?.trim() ?? '';
  if (filter.search !== undefined && (search.match(/./gsu)?.length ?? 0) < TRIGRAM) {
    throw new ApiError('invalid_input', `filter.search: type at least ${TRIGRAM} characters to search.`, 'filter.search');
  }
  if (search !== '') {
    // The full-text table first, walked newest first; each match looked up by its key.
    from = 'FROM messages_text t CROSS JOIN messages m ON m.seq = t.rowid';
    clauses.unshift('t.text MATCH ?');
    params.unshift(`"${search.replace(/"/g, '""')}"`);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const searchOnly = search !== '' && clauses.length === 1;
  return {
    from,
    where,
    params,
    seq: search !== '' ? 't.rowid' : 'm.seq',
    count: searchOnly ? 'SELECT 1 FROM messages_text t WHERE t.text MATCH ?' : `SELECT 1 ${from} ${where}`,
  };
}
