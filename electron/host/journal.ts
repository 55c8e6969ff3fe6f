/**
 * The message journal: every relay event about a message, appended to
 * <data>/journal.jsonl as it happens and replayed at start, so the send status
 * survives restarts. After a crash the relay's queue snapshot is the truth
 * about what is still queued: messages it holds that the journal missed are
 * added, and messages the journal thought queued that are gone are marked
 * unknown rather than shown as waiting forever.
 *
 * It is bounded, as a status page for years of mail must be: a message
 * finished (delivered, bounced, unknown) more than `retentionMs` ago is
 * forgotten, and so are the oldest finished ones past `maxFinished`; queued
 * and deferred mail is always kept. Once the file holds many more lines than
 * there are records, it is rewritten as one line per record (atomically: the
 * old file or the new one, never half of each).
 */
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import TinyQueue from 'tinyqueue';
import type { RelayEvent } from '../../relay/events.js';
import type { MessageRecord, RefusalRecord } from '../api/schemas/activity.js';
import { readLines, writeWhole } from './jsonl-file.js';

export const JOURNAL_FILE = 'journal.jsonl';
const MAX_REFUSALS = 500;

export interface JournalLimits {
  /** How long a finished message stays listed. */
  retentionMs: number;
  /** Finished messages kept at most (~0.5 KB of memory each). */
  maxFinished: number;
  /** The file is rewritten once it has this many lines more than twice the records it holds. */
  compactAfterLines: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { retentionMs: 30 * 86_400_000, maxFinished: 50_000, compactAfterLines: 20_000 };

/** Forgetting is checked after this many recorded events (and at start). */
const PRUNE_EVERY = 1_000;

/** What the file holds: relay events as they came, and whole records and refusals written by a rewrite. */
type Entry = (RelayEvent | { type: 'record'; record: MessageRecord } | { type: 'refusal'; refusal: RefusalRecord }) & { at: string };
const JOURNALED = new Set<RelayEvent['type']>(['accepted', 'delivered', 'deferred', 'bounced', 'rejected', 'queue-snapshot']);

export class Journal {
  private readonly messages = new Map<string, MessageRecord>();
  private readonly refusals: RefusalRecord[] = [];
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  /** Lines in the file now. */
  private fileLines = 0;
  private sincePrune = 0;

  private constructor(
    private readonly path: string,
    private readonly onChange: (record: MessageRecord) => void,
    private readonly limits: JournalLimits,
  ) {}

  static async open(dataDir: string, onChange: (record: MessageRecord) => void, limits = DEFAULT_JOURNAL_LIMITS): Promise<Journal> {
    const journal = new Journal(join(dataDir, JOURNAL_FILE), onChange, limits);
    // A rewrite that a crash interrupted left its unfinished copy; the journal itself is whole.
    await rm(`${journal.path}.tmp`, { force: true });
    const file = await readLines(journal.path);
    for (const line of file?.lines ?? []) {
      try {
        journal.apply(JSON.parse(line) as Entry, false);
      } catch {
        // A damaged line is skipped; the next snapshot repairs the state.
      }
    }
    // A line cut short by a crash was never confirmed; the next append must not land after it.
    journal.fileLines = (file?.lines.length ?? 0) + (file?.torn ? 1 : 0);
    journal.prune(Date.now());
    if (file?.torn || journal.needsRewrite()) await journal.rewrite();
    return journal;
  }

  /** Records a relay event; message events are appended to the file in the order they came. */
  record(event: RelayEvent): void {
    if (!JOURNALED.has(event.type)) return;
    const entry: Entry = { ...event, at: new Date().toISOString() };
    this.apply(entry, true);
    if (++this.sincePrune >= PRUNE_EVERY) this.prune(Date.now());
    this.pending.push(`${JSON.stringify(entry)}\n`);
    if (this.pending.length === 1) this.writing = this.writing.then(() => this.flush());
  }

  /** Resolves when everything recorded so far is on disk. */
  flushed(): Promise<void> {
    return this.writing;
  }

  /** Newest first, by acceptance (queue ids, which sort by time, break ties); only the `limit` newest are ever ordered. */
  list(filter: { limit: number; status?: MessageRecord['status']; user?: string }): MessageRecord[] {
    const newest = new TinyQueue<MessageRecord>([], olderFirst);
    for (const m of this.messages.values()) {
      if ((filter.status !== undefined && m.status !== filter.status) || (filter.user !== undefined && m.user !== filter.user)) continue;
      newest.push(m);
      if (newest.length > filter.limit) newest.pop();
    }
    const out: MessageRecord[] = [];
    for (let m = newest.pop(); m; m = newest.pop()) out.push(m);
    return out.reverse();
  }

  recentRefusals(limit: number): RefusalRecord[] {
    return this.refusals.slice(-limit).reverse();
  }

  all(): Iterable<MessageRecord> {
    return this.messages.values();
  }

  private async flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (this.needsRewrite(lines.length)) {
      // What is in memory already includes these lines' events.
      await this.rewrite();
      return;
    }
    await appendFile(this.path, lines.join(''), { mode: 0o600 });
    this.fileLines += lines.length;
  }

  private needsRewrite(adding = 0): boolean {
    return this.fileLines + adding > this.limits.compactAfterLines + 2 * (this.messages.size + this.refusals.length);
  }

  /** The file as one line per record and refusal. */
  private async rewrite(): Promise<void> {
    const at = new Date().toISOString();
    const lines = [
      ...[...this.messages.values()].map((record) => JSON.stringify({ type: 'record', record, at })),
      ...this.refusals.map((refusal) => JSON.stringify({ type: 'refusal', refusal, at })),
    ];
    await writeWhole(this.path, lines.map((l) => `${l}\n`).join(''));
    this.fileLines = lines.length;
  }

  /** Forgets finished messages past the retention time, then the oldest finished ones past the cap. */
  private prune(now: number): void {
    this.sincePrune = 0;
    const cutoff = new Date(now - this.limits.retentionMs).toISOString();
    let finished = 0;
    for (const [id, m] of this.messages) {
      if (!isFinished(m)) continue;
      if (m.updatedAt < cutoff) this.messages.delete(id);
      else finished++;
    }
    // Map order is the order messages were first recorded: oldest first.
    for (const [id, m] of this.messages) {
      if (finished <= this.limits.maxFinished) break;
      if (!isFinished(m)) continue;
      this.messages.delete(id);
      finished--;
    }
  }

  private apply(entry: Entry, live: boolean): void {
    const changed = (record: MessageRecord) => {
      this.messages.set(record.id, record);
      if (live) this.onChange(record);
    };
    const existing = 'id' in entry ? this.messages.get(entry.id) : undefined;
    switch (entry.type) {
      case 'accepted':
        changed({
          id: entry.id,
          user: entry.user,
          from: entry.from,
          envelopeFrom: entry.envelope.from,
          to: entry.envelope.to,
          subject: entry.subject,
          status: 'queued',
          attempts: 0,
          nextAttemptAt: null,
          lastError: null,
          size: entry.size,
          tls: entry.tls,
          campaign: entry.campaign,
          acceptedAt: entry.at,
          updatedAt: entry.at,
        });
        break;
      // Within one attempt the relay reports deliveries first; a deferral or
      // bounce for the other recipients follows and has the last word.
      case 'delivered':
        if (existing) changed({ ...existing, status: 'delivered', nextAttemptAt: null, updatedAt: entry.at });
        break;
      case 'deferred':
        if (existing) {
          changed({ ...existing, status: 'deferred', attempts: entry.attempts, nextAttemptAt: entry.nextAttemptAt, lastError: entry.error, updatedAt: entry.at });
        }
        break;
      case 'bounced':
        if (existing) changed({ ...existing, status: 'bounced', nextAttemptAt: null, lastError: entry.reason, updatedAt: entry.at });
        break;
      case 'rejected':
        this.addRefusal({ at: entry.at, remoteAddress: entry.remoteAddress, user: entry.user, stage: entry.stage, reply: entry.reply });
        break;
      case 'queue-snapshot':
        this.reconcile(entry, changed);
        break;
      case 'record':
        this.messages.set(entry.record.id, entry.record);
        break;
      case 'refusal':
        this.addRefusal(entry.refusal);
        break;
      default:
        break;
    }
  }

  private addRefusal(refusal: RefusalRecord): void {
    this.refusals.push(refusal);
    if (this.refusals.length > MAX_REFUSALS) this.refusals.splice(0, this.refusals.length - MAX_REFUSALS);
  }

  private reconcile(entry: Extract<Entry, { type: 'queue-snapshot' }>, changed: (record: MessageRecord) => void): void {
    const inQueue = new Set(entry.messages.map((m) => m.id));
    for (const m of entry.messages) {
      if (this.messages.has(m.id)) continue;
      changed({
        id: m.id,
        user: m.user,
        from: m.from,
        envelopeFrom: m.envelope.from,
        to: m.envelope.to,
        subject: m.subject,
        status: m.attempts > 0 ? 'deferred' : 'queued',
        attempts: m.attempts,
        nextAttemptAt: null,
        lastError: null,
        size: null,
        tls: null,
        campaign: null,
        acceptedAt: m.acceptedAt,
        updatedAt: entry.at,
      });
    }
    for (const record of this.messages.values()) {
      if ((record.status === 'queued' || record.status === 'deferred') && !inQueue.has(record.id)) {
        changed({ ...record, status: 'unknown', nextAttemptAt: null, lastError: 'The relay finished with this message while its outcome could not be recorded (it was restarted).', updatedAt: entry.at });
      }
    }
  }
}

function olderFirst(a: MessageRecord, b: MessageRecord): number {
  if (a.acceptedAt !== b.acceptedAt) return a.acceptedAt < b.acceptedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isFinished(m: MessageRecord): boolean {
  return m.status === 'delivered' || m.status === 'bounced' || m.status === 'unknown';
}
