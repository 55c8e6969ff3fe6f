/**
 * A message entering the history, from 'accepted', the relay's queue
 * snapshot or an earlier version's journal: its row under its list's key
 * (./list-names.ts), its full-text entry, recipients, sender keys
 * (./senders.ts) and statistics rollup rows (./rollup.ts), and the counters
 * moved. Runs inside the ingest's transaction.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { MessageStatus } from '../../api/schemas/messages.js';
import { ACTIVE_STATUSES, type Counters } from './counters.js';
import { dynamicSubject } from './dynamic-subject.js';
import type { ListNames } from './list-names.js';
import type { RollupDeltas } from './rollup.js';
import { SenderKeys } from './senders.js';
import { firstSeqAt, SEQ_PER_MS } from './sequence.js';

export type RecipientStatus = 'pending' | 'delivered' | 'deferred' | 'bounced' | 'deleted';

/** A message as it enters the history: from 'accepted', the queue snapshot, or the old journal. */
export interface NewMessage {
  id: string;
  acceptedAt: number;
  list: string;
  user: string;
  envelopeFrom: string;
  from: string;
  fromName: string;
  subject: string;
  recipients: readonly string[];
  size: number | null;
  tls: boolean | null;
  priority: number | null;
  campaignCode: string | null;
  campaignName: string | null;
  addedHeaders: readonly string[];
  status: MessageStatus;
  attempts: number;
  lastReply?: string | null;
  nextAttemptAt?: number | null;
}

export class MessageAdder {
  private readonly exists: Statement<[string], { one: number }>;
  private readonly lastSeqIn: Statement<[number, number], { seq: number | null }>;
  private readonly insertMessage: Statement<Record<string, unknown>>;
  private readonly insertText: Statement<[number, string]>;
  private readonly insertRecipient: Statement<[number, string, string, number]>;
  private readonly senders: SenderKeys;

  constructor(
    db: Database,
    private readonly counters: Counters,
    private readonly lists: ListNames,
    private readonly rollup: RollupDeltas,
  ) {
    this.senders = new SenderKeys(db);
    this.exists = db.prepare('SELECT 1 AS one FROM messages WHERE id = ?');
    this.lastSeqIn = db.prepare('SELECT max(seq) AS seq FROM messages WHERE seq >= ? AND seq < ?');
    this.insertMessage = db.prepare(`INSERT INTO messages (seq, id, list, user, envelope_from, from_addr, from_name, subject, dynamic_subject,
      recipients, size, tls, priority, campaign_code, campaign_name, status, attempts, updated_at, finished_at, added_headers, last_reply, next_attempt_at)
      VALUES (@seq, @id, @list, @user, @envelopeFrom, @from, @fromName, @subject, @dynamicSubject, @recipients, @size, @tls, @priority,
      @campaignCode, @campaignName, @status, @attempts, @at, @finishedAt, @addedHeaders, @lastReply, @nextAttemptAt)`);
    this.insertText = db.prepare('INSERT INTO messages_text (rowid, text) VALUES (?, ?)');
    this.insertRecipient = db.prepare('INSERT OR IGNORE INTO recipients (seq, address, status, updated_at) VALUES (?, ?, ?, ?)');
  }

  /** Adds a message unless its id is already recorded; says whether it did. */
  add(message: NewMessage, at: number): boolean {
    if (this.exists.get(message.id)) return false;
    const seq = this.nextSeq(message.acceptedAt);
    const final = !ACTIVE_STATUSES.has(message.status);
    const dynamic = dynamicSubject(message.subject);
    const list = this.lists.keyFor(message.list);
    this.counters.move(null, message.status, at);
    this.insertMessage.run({
      ...message,
      list,
      seq,
      dynamicSubject: dynamic,
      recipients: message.recipients.length,
      tls: message.tls === null ? null : Number(message.tls),
      addedHeaders: JSON.stringify(message.addedHeaders),
      lastReply: message.lastReply ?? null,
      nextAttemptAt: message.nextAttemptAt ?? null,
      at,
      finishedAt: final ? at : null,
    });
    this.insertText.run(seq, [message.id, message.subject, ...message.recipients].join('\n'));
    this.senders.add(seq, message.envelopeFrom, message.from);
    this.rollup.add(
      {
        seq,
        list,
        campaign_code: message.campaignCode,
        subject: message.subject,
        dynamic_subject: dynamic,
        from_addr: message.from,
        from_name: message.fromName,
        user: message.user,
        recipients: message.recipients.length,
      },
      message.status,
    );
    const recipientStatus = final ? finalRecipientStatus(message.status) : message.attempts > 0 ? 'deferred' : 'pending';
    for (const address of message.recipients) this.insertRecipient.run(seq, address, recipientStatus, at);
    return true;
  }

  /**
   * The first free key at or after this acceptance time's. A millisecond
   * whose keys are all taken (an import of many messages stamped alike)
   * lends the next one's: without that, the key after the last would be the
   * next millisecond's first, taken or soon taken, and the whole batch's
   * transaction would fail on it.
   */
  private nextSeq(acceptedAt: number): number {
    for (let first = firstSeqAt(acceptedAt); ; first += SEQ_PER_MS) {
      const last = this.lastSeqIn.get(first, first + SEQ_PER_MS)?.seq ?? null;
      if (last === null) return first;
      if (last + 1 < first + SEQ_PER_MS) return last + 1;
    }
  }
}

function finalRecipientStatus(status: MessageStatus): RecipientStatus {
  switch (status) {
    case 'delivered':
      return 'delivered';
    case 'bounced':
      return 'bounced';
    case 'deleted':
      return 'deleted';
    default:
      return 'pending';
  }
}
