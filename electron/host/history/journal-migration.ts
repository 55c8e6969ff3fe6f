/**
 * The message journal of earlier versions (<data>/journal.jsonl: relay
 * events as they came, and whole records after a rewrite) replayed into the
 * history once, in one transaction, and then renamed journal.jsonl.migrated
 * so it is neither read again nor lost. Each line is checked; one that does
 * not parse is counted and skipped, as the journal itself skipped it.
 */
import type { Database } from 'better-sqlite3';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RelayEvent } from '../../../relay/events.js';
import { readLines } from '../jsonl-file.js';
import type { NewMessage } from './add-message.js';
import type { EventApplier } from './apply-event.js';

export const JOURNAL_FILE = 'journal.jsonl';

const Envelope = z.object({ from: z.string(), to: z.array(z.string()) });
const Campaign = z.object({ name: z.string().optional(), code: z.string().optional() }).nullable();
const At = { at: z.string() };

/** The journal's lines as earlier versions wrote them. */
const JournalLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('accepted'),
    id: z.string(),
    user: z.string(),
    envelope: Envelope,
    from: z.string(),
    subject: z.string(),
    size: z.number().int(),
    tls: z.boolean(),
    priority: z.number().int(),
    campaign: Campaign,
    ...At,
  }),
  z.object({ type: z.literal('delivered'), id: z.string(), recipients: z.array(z.string()), response: z.string(), ...At }),
  z.object({ type: z.literal('deferred'), id: z.string(), recipients: z.array(z.string()), error: z.string(), attempts: z.number().int(), nextAttemptAt: z.string(), ...At }),
  z.object({ type: z.literal('bounced'), id: z.string(), recipients: z.array(z.string()), reason: z.string(), bounceId: z.string().nullable().default(null), ...At }),
  z.object({
    type: z.literal('rejected'),
    remoteAddress: z.string(),
    user: z.string().nullable(),
    stage: z.string(),
    reply: z.string(),
    ...At,
  }),
  z.object({
    type: z.literal('queue-snapshot'),
    messages: z.array(z.object({ id: z.string(), user: z.string(), envelope: Envelope, from: z.string(), subject: z.string(), acceptedAt: z.string(), attempts: z.number().int() })),
    ...At,
  }),
  z.object({
    type: z.literal('record'),
    record: z.object({
      id: z.string(),
      user: z.string(),
      from: z.string(),
      envelopeFrom: z.string(),
      to: z.array(z.string()),
      subject: z.string(),
      status: z.enum(['queued', 'deferred', 'delivered', 'bounced', 'unknown']),
      attempts: z.number().int(),
      nextAttemptAt: z.string().nullable(),
      lastError: z.string().nullable(),
      size: z.number().int().nullable(),
      tls: z.boolean().nullable(),
      campaign: Campaign,
      acceptedAt: z.string(),
      updatedAt: z.string(),
    }),
    ...At,
  }),
  z.object({
    type: z.literal('refusal'),
    refusal: z.object({ at: z.string(), remoteAddress: z.string(), user: z.string().nullable(), stage: z.string(), reply: z.string() }),
    ...At,
  }),
]);
type JournalLine = z.infer<typeof JournalLine>;

export interface JournalMigration {
  lines: number;
  skipped: number;
}

/** Replays the journal if there is one; null when there was none. */
export async function migrateJournal(dataDir: string, db: Database, applier: EventApplier): Promise<JournalMigration | null> {
  const path = join(dataDir, JOURNAL_FILE);
  const file = await readLines(path);
  if (!file) return null;
  let skipped = 0;
  const entries: JournalLine[] = [];
  for (const line of file.lines) {
    const parsed = safeJson(line);
    const entry = parsed === undefined ? null : JournalLine.safeParse(parsed);
    if (entry?.success) entries.push(entry.data);
    else skipped++;
  }
  db.transaction(() => {
    const changed = new Set<string>();
    applier.inBatch(() => {
      for (const entry of entries) replay(entry, applier, changed);
    });
  })();
  await rename(path, `${path}.migrated`);
  await rm(`${path}.tmp`, { force: true });
  return { lines: file.lines.length, skipped };
}

function replay(entry: JournalLine, applier: EventApplier, changed: Set<string>): void {
  const at = Date.parse(entry.at);
  switch (entry.type) {
    case 'record':
      applier.add(fromRecord(entry.record), Date.parse(entry.record.updatedAt));
      return;
    case 'refusal':
      applier.apply(refusalEvent(entry.refusal), Date.parse(entry.refusal.at), changed);
      return;
    case 'rejected':
      applier.apply(refusalEvent(entry), at, changed);
      return;
    case 'accepted':
      applier.apply({ ...entry, session: '', via: 'auth', list: '', fromName: '', addedHeaders: [] }, at, changed);
      return;
    default:
      applier.apply(entry, at, changed);
  }
}

function fromRecord(record: Extract<JournalLine, { type: 'record' }>['record']): NewMessage {
  return {
    id: record.id,
    acceptedAt: Date.parse(record.acceptedAt),
    list: '',
    user: record.user,
    envelopeFrom: record.envelopeFrom,
    from: record.from,
    fromName: '',
    subject: record.subject,
    recipients: record.to,
    size: record.size,
    tls: record.tls,
    priority: null,
    campaignCode: record.campaign?.code ?? null,
    campaignName: record.campaign?.name ?? null,
    addedHeaders: [],
    status: record.status,
    attempts: record.attempts,
    lastReply: record.lastError,
    nextAttemptAt: record.nextAttemptAt === null ? null : Date.parse(record.nextAttemptAt),
  };
}

function refusalEvent(refusal: { remoteAddress: string; user: string | null; stage: string; reply: string }): RelayEvent {
  return {
    type: 'rejected',
    session: '',
    remoteAddress: refusal.remoteAddress,
    user: refusal.user,
    stage: STAGES.find((s) => s === refusal.stage) ?? 'connect',
    code: Number(/^\d{3}/.exec(refusal.reply)?.[0] ?? 0),
    reply: refusal.reply,
    envelope: null,
  };
}

const STAGES = ['connect', 'auth', 'mail', 'rcpt', 'data', 'timeout', 'commands', 'evicted'] as const;

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
