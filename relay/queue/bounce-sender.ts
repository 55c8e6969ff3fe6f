/**
 * What the scheduler does when recipients fail for good: the results of a
 * message that outlived the queue's lifetime, and the bounce (./bounce.ts)
 * written into the spool for the sender, with the event that reports it.
 */
import type { Readable } from 'node:stream';
import type { RecipientResult } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { RetryConfig } from '../protocol.js';
import { buildBounce } from './bounce.js';
import { newQueueId, type MessageMeta, type Spool, type StoredMessage } from './spool.js';

/** The part of an original message a bounce quotes. */
const MAX_QUOTED_HEADER_BYTES = 64 * 1024;

/** Every pending recipient failed, without an attempt: the message is past the queue's lifetime. */
export function expiredResults(message: StoredMessage, retry: RetryConfig): RecipientResult[] {
  const { state } = message;
  const why = state.lastError ? `: ${state.lastError}` : '';
  return state.pending.map((recipient) => ({
    recipient,
    status: 'failed' as const,
    response: `Gave up after ${state.attempts} attempts over ${formatDuration(retry.maxLifetimeMs)}${why}`,
  }));
}

/**
 * Tells the sender which recipients failed: the 'bounced' event, and the
 * bounce itself queued (null when there is no one to tell: a bounce is never
 * bounced).
 */
export async function writeBounce(
  spool: Spool,
  hostname: string,
  message: StoredMessage,
  reason: 'failed' | 'expired',
): Promise<{ event: Extract<RelayEvent, { type: 'bounced' }>; bounce: StoredMessage | null }> {
  const { meta, state } = message;
  const recipients = state.failed.map((r) => r.recipient);
  const why = state.failed[0]?.response ?? reason;
  if (meta.envelope.from === '') return { event: { type: 'bounced', id: meta.id, recipients, reason: why, bounceId: null }, bounce: null };
  const bounceMeta: MessageMeta = {
    v: 1,
    id: newQueueId(),
    envelope: { from: '', to: [meta.envelope.from] },
    user: meta.user,
    via: 'bounce',
    priority: meta.priority,
    acceptedAt: Date.now(),
    from: `MAILER-DAEMON@${hostname}`,
    subject: 'Undelivered mail returned to sender',
    fromDomain: null,
    campaign: null,
    tls: false,
  };
  const text = buildBounce({
    reportingMta: hostname,
    queueId: meta.id,
    originalFrom: meta.envelope.from,
    arrivalDate: new Date(meta.acceptedAt),
    recipients: state.failed,
    reason,
    originalHeaders: await readHeaderBlock(spool.openBody(message)),
  });
  const bounce = await spool.writeWhole(bounceMeta, Buffer.from(text));
  return { event: { type: 'bounced', id: meta.id, recipients, reason: why, bounceId: bounceMeta.id }, bounce };
}

async function readHeaderBlock(body: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(body)) return headerBlockOf(body.subarray(0, MAX_QUOTED_HEADER_BYTES));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_QUOTED_HEADER_BYTES) break;
  }
  body.destroy();
  return headerBlockOf(Buffer.concat(chunks));
}

function headerBlockOf(head: Buffer): string {
  const text = head.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  return (end >= 0 ? text.slice(0, end + 2) : text).slice(0, MAX_QUOTED_HEADER_BYTES);
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours)} hours`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} minutes`;
  return `${Math.max(1, Math.round(ms / 1000))} seconds`;
}
