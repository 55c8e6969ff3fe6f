/** History rows as the API shows them: ISO times, booleans, parsed JSON. */
import type { AttemptViewSchema, MessageRow, MessageStatus, RefusalRow, RecipientView } from '../../api/schemas/messages.js';
import type { z } from 'zod';
import { timeOfSeq } from './sequence.js';

/** The columns every message listing reads; its list by the name the list has now (./list-names.ts). */
export const MESSAGE_COLUMNS = `m.seq, m.id, coalesce((SELECT name FROM list_names WHERE key = m.list), m.list) AS list, m.user, m.envelope_from, m.from_addr, m.from_name, m.subject, m.recipients, m.size, m.tls,
  m.priority, m.campaign_code, m.campaign_name, m.status, m.attempts, m.next_attempt_at, m.last_reply, m.updated_at`;

export interface MessageDbRow {
  seq: number;
  id: string;
  list: string;
  user: string;
  envelope_from: string;
  from_addr: string;
  from_name: string;
  subject: string;
  recipients: number;
  size: number | null;
  tls: number | null;
  priority: number | null;
  campaign_code: string | null;
  campaign_name: string | null;
  status: MessageStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_reply: string | null;
  updated_at: number;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function messageRow(row: MessageDbRow): MessageRow {
  return {
    id: row.id,
    acceptedAt: iso(timeOfSeq(row.seq)),
    list: row.list,
    user: row.user,
    envelopeFrom: row.envelope_from,
    from: row.from_addr,
    fromName: row.from_name,
    subject: row.subject,
    recipients: row.recipients,
    size: row.size,
    tls: row.tls === null ? null : row.tls === 1,
    priority: row.priority,
    campaignCode: row.campaign_code,
    campaignName: row.campaign_name,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
    lastReply: row.last_reply,
    updatedAt: iso(row.updated_at),
  };
}

export interface RecipientDbRow {
  address: string;
  status: RecipientView['status'];
  reply: string | null;
  updated_at: number;
}

export function recipientView(row: RecipientDbRow): RecipientView {
  return { address: row.address, status: row.status, reply: row.reply, updatedAt: iso(row.updated_at) };
}

export interface AttemptDbRow {
  started_at: number;
  duration_ms: number;
  remote_host: string | null;
  results: string;
}

export function attemptView(row: AttemptDbRow): z.infer<typeof AttemptViewSchema> {
  const results = JSON.parse(row.results) as { recipient: string; status: 'delivered' | 'deferred' | 'failed'; code?: number; response: string }[];
  return {
    startedAt: iso(row.started_at),
    durationMs: row.duration_ms,
    remoteHost: row.remote_host,
    results: results.map((r) => ({ recipient: r.recipient, status: r.status, code: r.code ?? null, response: r.response })),
  };
}

export interface RefusalDbRow {
  at: number;
  remote_address: string;
  user: string | null;
  stage: string;
  envelope_from: string | null;
  recipients: string;
  code: number;
  reply: string;
}

export function refusalRow(row: RefusalDbRow): RefusalRow {
  return {
    at: iso(row.at),
    remoteAddress: row.remote_address,
    user: row.user,
    stage: row.stage,
    envelopeFrom: row.envelope_from,
    recipients: JSON.parse(row.recipients) as string[],
    code: row.code,
    reply: row.reply,
  };
}
