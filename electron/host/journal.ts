/**
 * The message journal: every relay event about a message, appended to
 * <data>/journal.jsonl as it happens and replayed at start, so the send status
 * survives restarts. After a crash the relay's queue snapshot is the truth
 * about what is still queued: messages it holds that the journal missed are
 * added, and messages the journal thought queued that are gone are marked
 * unknown rather than shown as waiting forever.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayEvent } from '../../relay/events.js';
import type { MessageRecord, RefusalRecord } from '../api/schemas/activity.js';

export const JOURNAL_FILE = 'journal.jsonl';
const MAX_REFUSALS = 500;

type Entry = RelayEvent & { at: string };
const JOURNALED = new Set<RelayEvent['type']>(['accepted', 'delivered', 'deferred', 'bounced', 'rejected', 'queue-snapshot']);

export class Journal {
  private readonly messages = new Map<string, MessageRecord>();
  private readonly refusals: RefusalRecord[] = [];
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly onChange: (record: MessageRecord) => void,
  ) {}

  static async open(dataDir: string, onChange: (record: MessageRecord) => void): Promise<Journal> {
    const journal = new Journal(join(dataDir, JOURNAL_FILE), onChange);
    const text = await readFile(journal.path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        journal.apply(JSON.parse(line) as Entry, false);
      } catch {
        // A line cut short by a crash is skipped; the next snapshot repairs the state.
      }
    }
    return journal;
  }

  /** Records a relay event; message events are appended to the file in the order they came. */
  record(event: RelayEvent): void {
    if (!JOURNALED.has(event.type)) return;
    const entry: Entry = { ...event, at: new Date().toISOString() };
    this.apply(entry, true);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    if (this.pending.length === 1) this.writing = this.writing.then(() => this.flush());
  }

  /** Resolves when everything recorded so far is on disk. */
  flushed(): Promise<void> {
    return this.writing;
  }

  list(filter: { limit: number; status?: MessageRecord['status']; user?: string }): MessageRecord[] {
    return [...this.messages.values()]
      .filter((m) => (filter.status === undefined || m.status === filter.status) && (filter.user === undefined || m.user === filter.user))
      .sort((a, b) => b.acceptedAt.localeCompare(a.acceptedAt))
      .slice(0, filter.limit);
  }

  recentRefusals(limit: number): RefusalRecord[] {
    return this.refusals.slice(-limit).reverse();
  }

  all(): Iterable<MessageRecord> {
    return this.messages.values();
  }

  private async flush(): Promise<void> {
    const lines = this.pending.join('');
    this.pending = [];
    await appendFile(this.path, lines, { mode: 0o600 });
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
        this.refusals.push({ at: entry.at, remoteAddress: entry.remoteAddress, user: entry.user, stage: entry.stage, reply: entry.reply });
        if (this.refusals.length > MAX_REFUSALS) this.refusals.splice(0, this.refusals.length - MAX_REFUSALS);
        break;
      case 'queue-snapshot':
        this.reconcile(entry, changed);
        break;
      default:
        break;
    }
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
