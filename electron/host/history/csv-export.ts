/**
 * The filtered messages as CSV (RFC 4180, through csv-stringify), newest
 * first, in chunks: each call returns up to CHUNK rows and a cursor, the key
 * of the last row, from which the next call continues. A keyset cursor costs
 * the same on the last chunk as on the first, and messages added meanwhile
 * do not shift the rows. Cells are written spreadsheet-safe (../../api/csv.ts).
 */
import type { Database } from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { ApiError, type MethodOutput } from '../../api/contract.js';
import { CSV_OPTIONS } from '../../api/csv.js';
import type { MessageFilter } from '../../api/schemas/messages.js';
import type { ListKeys } from './filter.js';
import { messagesAfter } from './queries.js';
import { messageRow } from './rows.js';

export const CSV_CHUNK = 2_000;

export const CSV_COLUMNS = [
  'id',
  'acceptedAt',
  'status',
  'list',
  'user',
  'envelopeFrom',
  'from',
  'fromName',
  'subject',
  'recipients',
  'recipientCount',
  'size',
  'tls',
  'priority',
  'campaignCode',
  'campaignName',
  'attempts',
  'nextAttemptAt',
  'lastReply',
  'updatedAt',
] as const;

export function exportCsv(db: Database, filter: MessageFilter, listKeys: ListKeys, cursor: string | null, chunk = CSV_CHUNK): MethodOutput<'messages.exportCsv'> {
  const after = cursor === null ? null : parseCursor(cursor);
  const rows = messagesAfter(db, filter, listKeys, after, chunk);
  const records = rows.map((row) => {
    const m = messageRow(row);
    return [
      m.id,
      m.acceptedAt,
      m.status,
      m.list,
      m.user,
      m.envelopeFrom,
      m.from,
      m.fromName,
      m.subject,
      row.addresses,
      m.recipients,
      m.size ?? '',
      m.tls === null ? '' : m.tls ? 'yes' : 'no',
      m.priority ?? '',
      m.campaignCode ?? '',
      m.campaignName ?? '',
      m.attempts,
      m.nextAttemptAt ?? '',
      m.lastReply ?? '',
      m.updatedAt,
    ];
  });
  const csv = stringify(cursor === null ? [[...CSV_COLUMNS], ...records] : records, CSV_OPTIONS);
  const last = rows.at(-1);
  return { csv, rows: rows.length, cursor: rows.length === chunk && last ? String(last.seq) : null };
}

function parseCursor(cursor: string): number {
  if (!/^\d{1,16}$/.test(cursor)) throw new ApiError('invalid_input', 'cursor: this export cursor is not one the host gave; start the export again.', 'cursor');
  return Number(cursor);
}
