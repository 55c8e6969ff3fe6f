/**
 * Reading the history: a page of messages, one message in full, a page of
 * refusals. Totals are counted exactly up to 10,000 matches (a count past
 * that would cost a walk over the whole table for a number no one reads)
 * and reported as a lower bound beyond; a short last page is its own count.
 * Free text with a clause on the message's row (a status, a user) is
 * counted among its newest 10,000 full-text matches: past them, the count
 * is a lower bound too.
 */
import type { Database } from 'better-sqlite3';
import { ApiError, type ApiImplementation, type MethodOutput } from '../../api/contract.js';
import type { MessageDetail, MessageFilter } from '../../api/schemas/messages.js';
import { COUNTED_TEXT_MATCHES, filterSql, type ListKeys } from './filter.js';
import {
  attemptView,
  iso,
  MESSAGE_COLUMNS,
  messageRow,
  recipientView,
  refusalRow,
  type AttemptDbRow,
  type MessageDbRow,
  type RecipientDbRow,
  type RefusalDbRow,
} from './rows.js';

export const EXACT_TOTAL_UP_TO = 10_000;

type ListInput = Parameters<ApiImplementation['messages.list']>[0];
type RefusalsInput = Parameters<ApiImplementation['messages.refusals']>[0];

const ORDER: Record<ListInput['sort'], (seq: string) => string> = {
  'acceptedAt-desc': (seq) => `${seq} DESC`,
  'acceptedAt-asc': (seq) => `${seq} ASC`,
  'status-asc': (seq) => `m.status ASC, ${seq} DESC`,
  'status-desc': (seq) => `m.status DESC, ${seq} DESC`,
};

export function listMessages(db: Database, input: ListInput, listKeys: ListKeys): MethodOutput<'messages.list'> {
  const sql = filterSql(input.filter, listKeys);
  // The page's keys first, then its rows: a sort, where one is needed, moves keys rather than whole rows.
  const rows = db
    .prepare<unknown[], MessageDbRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.seq IN (SELECT ${sql.seq} ${sql.from} ${sql.where} ORDER BY ${ORDER[input.sort](sql.seq)} LIMIT ? OFFSET ?)
       ORDER BY ${ORDER[input.sort]('m.seq')}`,
    )
    .all(...sql.params, input.pageSize, input.page * input.pageSize);
  const among = sql.countAmongNewest;
  const total = totalOf(input, rows.length, () => {
    if (among === null) return { counted: countUpTo(db, sql.count, sql.params), partly: false };
    const { seen, n } = db.prepare<unknown[], { seen: number; n: number }>(among.sql).get(...among.params) ?? { seen: 0, n: 0 };
    return { counted: n, partly: seen > COUNTED_TEXT_MATCHES };
  });
  return { rows: rows.map(messageRow), ...total };
}

/** Messages newest first, after the message with key `afterSeq` (null: from the newest). */
export function messagesAfter(
  db: Database,
  filter: MessageFilter,
  listKeys: ListKeys,
  afterSeq: number | null,
  limit: number,
): (MessageDbRow & { addresses: string })[] {
  const sql = filterSql(filter, listKeys);
  const keyset = afterSeq === null ? '' : `${sql.where === '' ? 'WHERE' : ' AND'} ${sql.seq} < ?`;
  return db
    .prepare<unknown[], MessageDbRow & { addresses: string }>(
      `SELECT ${MESSAGE_COLUMNS}, (SELECT group_concat(address, ';') FROM recipients r WHERE r.seq = m.seq) AS addresses
       ${sql.from} ${sql.where}${keyset} ORDER BY ${sql.seq} DESC LIMIT ?`,
    )
    .all(...sql.params, ...(afterSeq === null ? [] : [afterSeq]), limit);
}

export function getMessage(db: Database, id: string): MessageDetail {
  const row = db
    .prepare<[string], MessageDbRow & { added_headers: string; bounce_id: string | null; bounce_reason: string | null; finished_at: number | null }>(
      `SELECT ${MESSAGE_COLUMNS}, m.added_headers, m.bounce_id, m.bounce_reason, m.finished_at FROM messages m WHERE m.id = ?`,
    )
    .get(id);
  if (!row) throw new ApiError('not_found', `No message ${id} in the history (it may be older than the history keeps).`, 'id');
  const recipients = db.prepare<[number], RecipientDbRow>('SELECT address, status, reply, updated_at FROM recipients WHERE seq = ? ORDER BY address').all(row.seq);
  const attempts = db.prepare<[number], AttemptDbRow>('SELECT started_at, duration_ms, remote_host, results FROM attempts WHERE seq = ? ORDER BY started_at, rowid').all(row.seq);
  return {
    ...messageRow(row),
    recipientList: recipients.map(recipientView),
    attemptList: attempts.map(attemptView),
    addedHeaders: JSON.parse(row.added_headers) as string[],
    bounce: row.bounce_reason === null ? null : { id: row.bounce_id, reason: row.bounce_reason, at: iso(row.finished_at ?? row.updated_at) },
  };
}

export function listRefusals(db: Database, input: RefusalsInput): MethodOutput<'messages.refusals'> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const { filter } = input;
  if (filter.user !== undefined) {
    clauses.push('user = ?');
    params.push(filter.user);
  }
  if (filter.remoteAddress !== undefined) {
    clauses.push('remote_address = ?');
    params.push(filter.remoteAddress);
  }
  if (filter.since !== undefined) {
    clauses.push('at >= ?');
    params.push(Date.parse(filter.since));
  }
  if (filter.until !== undefined) {
    clauses.push('at < ?');
    params.push(Date.parse(filter.until));
  }
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const like = `%${filter.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push("(reply LIKE ? ESCAPE '\\' OR envelope_from LIKE ? ESCAPE '\\' OR recipients LIKE ? ESCAPE '\\')");
    params.push(like, like, like);
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  // Rows are added in time order, so the rowid orders them newest first.
  const rows = db
    .prepare<unknown[], RefusalDbRow>(`SELECT at, remote_address, user, stage, envelope_from, recipients, code, reply FROM refusals ${where} ORDER BY rowid DESC LIMIT ? OFFSET ?`)
    .all(...params, input.pageSize, input.page * input.pageSize);
  const total = totalOf(input, rows.length, () => ({ counted: countUpTo(db, `SELECT 1 FROM refusals ${where}`, params), partly: false }));
  return { rows: rows.map(refusalRow), ...total };
}

/**
 * A page shorter than asked for (and not past the end) says the total itself; otherwise it is counted,
 * a lower bound if the count looked at only some of the candidates (`partly`).
 */
function totalOf(
  page: { page: number; pageSize: number },
  rows: number,
  count: () => { counted: number; partly: boolean },
): { total: number; totalIsLowerBound: boolean } {
  if (rows < page.pageSize && (rows > 0 || page.page === 0)) return { total: page.page * page.pageSize + rows, totalIsLowerBound: false };
  const { counted, partly } = count();
  if (counted > EXACT_TOTAL_UP_TO) return { total: EXACT_TOTAL_UP_TO, totalIsLowerBound: true };
  // Never less than the rows already paged through and shown.
  return { total: rows > 0 ? Math.max(counted, page.page * page.pageSize + rows) : counted, totalIsLowerBound: partly };
}

function countUpTo(db: Database, select: string, params: unknown[]): number {
  return db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (${select} LIMIT ${EXACT_TOTAL_UP_TO + 1})`).get(...params)?.n ?? 0;
}
