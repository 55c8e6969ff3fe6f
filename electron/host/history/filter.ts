/**
 * A message filter as SQL: one WHERE clause over `messages m` for the
 * grid, the CSV export and the CLI alike, and the table that drives the
 * query newest first. Free text goes through the trigram full-text index,
 * which then drives the query; it needs three characters (shorter text
 * would be a scan of every message for a match almost everywhere). Free
 * text that is a whole address finds the messages to that address through
 * the recipients' index (the trigrams every address shares would make the
 * full-text index read most of its lists). A sender, address or domain, in
 * the envelope or the From, is one key of the senders index (./senders.ts),
 * which drives the query when there is no free text.
 */
import { ApiError } from '../../api/contract.js';
import type { MessageFilter } from '../../api/schemas/messages.js';
import { groupKeySql } from './group-key.js';
import { listKeySql } from './list-names.js';
import { firstSeqAt } from './sequence.js';

export interface FilterSql {
  /** "FROM ..." including the driving table's join. */
  from: string;
  /** "WHERE ..." (or ''). */
  where: string;
  params: unknown[];
  /** The key that orders by acceptance, in the table that drives the query. */
  seq: 'm.seq' | 't.rowid' | 's.seq';
  /** Counting the matches: from the driving table alone when no clause needs the message's row. */
  count: string;
  /**
   * Free text with clauses on the message's row (a status, a user): in one
   * walk, the newest COUNTED_TEXT_MATCHES + 1 full-text matches (`seen`) and
   * how many of them match the rest (`n`); a common phrase can match a large
   * part of the history, and an exact count would walk all of it for a few
   * rows. Past COUNTED_TEXT_MATCHES seen, `n` is a lower bound.
   */
  countAmongNewest: { sql: string; params: unknown[] } | null;
}

/**
 * Full-text matches a count with clauses on the message's row looks at, at
 * most: as many as an exact total goes up to (./queries.ts), which keeps a
 * common phrase with a rare status near 20 ms on a month of history.
 */
export const COUNTED_TEXT_MATCHES = 10_000;

/** Trigram search needs three characters; shorter text cannot use the index. */
const TRIGRAM = 3;

/** Text that is one whole address, and nothing else. */
const WHOLE_ADDRESS = /^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>.]+$/;

/** The keys a list's messages are stored under (./list-names.ts). */
export type ListKeys = (name: string) => readonly string[];

export function filterSql(filter: MessageFilter, listKeys: ListKeys): FilterSql {
  const search = filter.search?.trim() ?? '';
  if (filter.search !== undefined && (search.match(/./gsu)?.length ?? 0) < TRIGRAM) {
    throw new ApiError('invalid_input', `filter.search: type at least ${TRIGRAM} characters to search.`, 'filter.search');
  }
  const fullText = search !== '' && !WHOLE_ADDRESS.test(search);
  const sender = filter.sender?.trim().toLowerCase();
  const driver = fullText ? 'text' : sender !== undefined ? 'sender' : 'messages';
  const seq = driver === 'text' ? 't.rowid' : driver === 'sender' ? 's.seq' : 'm.seq';
  // Clauses on the driving table alone, and clauses that need the message's row.
  const own: { sql: string; params: unknown[] }[] = [];
  const row: { sql: string; params: unknown[] }[] = [];
  const where = (on: typeof own, sql: string, ...params: unknown[]) => on.push({ sql, params });
  if (driver === 'text') where(own, 't.text MATCH ?', `"${search.replace(/"/g, '""')}"`);
  if (sender !== undefined) {
    if (driver === 'sender') where(own, 's.key = ?', sender);
    else where(row, 'EXISTS (SELECT 1 FROM senders s WHERE s.key = ? AND s.seq = m.seq)', sender);
  }
  if (filter.since !== undefined) where(own, `${seq} >= ?`, firstSeqAt(Date.parse(filter.since)));
  if (filter.until !== undefined) where(own, `${seq} < ?`, firstSeqAt(Date.parse(filter.until)));
  if (search !== '' && !fullText) where(row, 'm.seq IN (SELECT seq FROM recipients WHERE address = ? COLLATE NOCASE)', search);
  const inList = (name: string) => listKeySql('m.list', listKeys(name));
  if (filter.group) {
    const list = inList(filter.group.list);
    where(row, `${list.sql} AND ${groupKeySql(filter.group.by)} = ?`, ...list.params, filter.group.key);
  }
  if (filter.status && filter.status.length > 0) where(row, `m.status IN (${filter.status.map(() => '?').join(', ')})`, ...filter.status);
  if (filter.list !== undefined) {
    const list = inList(filter.list);
    where(row, list.sql, ...list.params);
  }
  if (filter.user !== undefined) where(row, 'm.user = ?', filter.user);
  const clauses = [...own, ...row];
  const whereSql = clauses.length > 0 ? `WHERE ${clauses.map((c) => c.sql).join(' AND ')}` : '';
  const params = clauses.flatMap((c) => c.params);
  const from = { text: 'FROM messages_text t CROSS JOIN messages m ON m.seq = t.rowid', sender: 'FROM senders s CROSS JOIN messages m ON m.seq = s.seq', messages: 'FROM messages m' }[driver];
  // Counting the matches needs no message row when every clause is on the driving table.
  const alone = { text: 'FROM messages_text t', sender: 'FROM senders s', messages: 'FROM messages m' }[driver];
  const ownWhere = `WHERE ${own.map((c) => c.sql).join(' AND ')}`;
  const ownParams = own.flatMap((c) => c.params);
  const countAmongNewest =
    driver === 'text' && row.length > 0
      ? {
          sql: `SELECT count(*) AS seen, count(m.seq) AS n FROM (SELECT t.rowid AS seq FROM messages_text t ${ownWhere} ORDER BY t.rowid DESC LIMIT ${COUNTED_TEXT_MATCHES + 1}) c
            LEFT JOIN messages m ON m.seq = c.seq AND ${row.map((c) => c.sql).join(' AND ')}`,
          params: [...ownParams, ...row.flatMap((c) => c.params)],
        }
      : null;
  return { from, where: whereSql, params, seq, count: `SELECT 1 ${row.length === 0 ? alone : from} ${whereSql}`, countAmongNewest };
}
