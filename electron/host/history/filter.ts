/**
 * A message filter as SQL: one WHERE clause over `messages m` for the
 * grid, the CSV export and the CLI alike. Free text of three characters or
 * more goes through the trigram full-text index, which then drives the
 * query newest first; shorter text is matched with LIKE.
 */
import { ApiError } from '../../api/contract.js';
import type { MessageFilter } from '../../api/schemas/messages.js';
import { GROUP_BYS, groupKeySql } from './group-key.js';
import { firstSeqAt } from './sequence.js';

export interface FilterSql {
  /** "FROM ..." including the full-text join when searching. */
  from: string;
  /** "WHERE ..." (or ''). */
  where: string;
  params: unknown[];
  /** The key that orders by acceptance: the full-text index's rowid when it drives the query. */
  seq: 'm.seq' | 't.rowid';
}

/** Trigram search needs three characters; shorter text cannot use the index. */
const TRIGRAM = 3;

export function filterSql(filter: MessageFilter): FilterSql {
  const clauses: string[] = [];
  const params: unknown[] = [];
  let from = 'FROM messages m';
  if (filter.group) {
    const by = GROUP_BYS.find((b) => b === filter.group?.by);
    if (!by) throw new ApiError('invalid_input', `filter.group.by: must be one of ${GROUP_BYS.join(', ')}.`, 'filter.group.by');
    clauses.push(`m.list = ? COLLATE NOCASE AND ${groupKeySql(by)} = ?`);
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
      clauses.push('(m.envelope_from = ? COLLATE NOCASE OR m.from_addr = ? COLLATE NOCASE)');
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
  if ((search.match(/./gsu)?.length ?? 0) >= TRIGRAM) {
    // The full-text table first, walked newest first; each match looked up by its key.
    from = 'FROM messages_text t CROSS JOIN messages m ON m.seq = t.rowid';
    clauses.unshift('t.text MATCH ?');
    params.unshift(`"${search.replace(/"/g, '""')}"`);
  } else if (search !== '') {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push("(m.subject LIKE ? ESCAPE '\\' OR m.id LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM recipients r WHERE r.seq = m.seq AND r.address LIKE ? ESCAPE '\\'))");
    params.push(like, like, like);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return { from, where, params, seq: from.includes('messages_text') ? 't.rowid' : 'm.seq' };
}
