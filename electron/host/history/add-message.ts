/**
 * A message entering the history, from 'accepted', the relay's queue
 * snapshot or an earlier version's journal: its row under its list's key
 * (./list-names.ts), its full-text entry, recipients, sender keys
 * (./senders.ts) and statistics rollup rows (./rollup.ts), and the counters
 * moved. Runs inside the ingest's transaction; the rows are written at its
 * end (./held-messages.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { MessageStatus } from '../../api/schemas/messages.js';
import { ACTIVE_STATUSES, type Counters } from './counters.js';
import { dynamicSubject } from './dynamic-subject.js';
import type { ListNames } from './list-names.js';
import type { RollupDeltas } from './rollup.js';
import { HeldMessages, type HeldRecipient, type HeldRow } from './held-messages.js';
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
  private readonly insertMessage: Statement<HeldRow>;
  private readonly insertText: Statement<[number, string]>;
  private readonly insertRecipient: Statement<[number, string, string, string | null, number]>;
  private readonly senders: SenderKeys;
  /** This batch's new messages, inserted at its end (./held-messages.ts). */
  readonly held = new HeldMessages();

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
      recipients, size, tls, priority, campaign_code, campaign_name, status, attempts, updated_at, finished_at, added_headers, last_reply, next_attempt_at,
      bounce_id, bounce_reason)
      VALUES (@seq, @id, @list, @user, @envelopeFrom, @from, @fromName, @subject, @dynamicSubject, @recipients, @size, @tls, @priority,
      @campaignCode, @campaignName, @status, @attempts, @at, @finishedAt, @addedHeaders, @lastReply, @nextAttemptAt, @bounceId, @bounceReason)`);
    this.insertText = db.prepare('INSERT INTO messages_text (rowid, text) VALUES (?, ?)');
    this.insertRecipient = db.prepare('INSERT OR IGNORE INTO recipients (seq, address, status, reply, updated_at) VALUES (?, ?, ?, ?, ?)');
  }

  /** Adds a message unless its id is already recorded; says whether it did. It is held until `writeHeld`. */
  add(message: NewMessage, at: number): boolean {
    if (this.held.has(message.id) || this.exists.get(message.id)) return false;
    const seq = this.nextSeq(message.acceptedAt);
    const final = !ACTIVE_STATUSES.has(message.status);
    const dynamic = dynamicSubject(message.subject);
    const list = this.lists.keyFor(message.list);
    this.counters.move(null, message.status, at);
    const row: HeldRow = {
      seq,
      id: message.id,
      list,
      user: message.user,
      envelopeFrom: message.envelopeFrom,
      from: message.from,
      fromName: message.fromName,
      subject: message.subject,
      dynamicSubject: dynamic,
      recipients: message.recipients.length,
      size: message.size,
      tls: message.tls === null ? null : Number(message.tls),
      priority: message.priority,
      campaignCode: message.campaignCode,
      campaignName: message.campaignName,
      status: message.status,
      attempts: message.attempts,
      at,
      finishedAt: final ? at : null,
      addedHeaders: JSON.stringify(message.addedHeaders),
      lastReply: message.lastReply ?? null,
      nextAttemptAt: message.nextAttemptAt ?? null,
      bounceId: null,
      bounceReason: null,
    };
    const state = {
      seq,
      list,
      campaign_code: message.campaignCode,
      subject: message.subject,
      dynamic_subject: dynamic,
      from_addr: message.from,
      from_name: message.fromName,
      user: message.user,
      recipients: message.recipients.length,
      status: message.status,
      attempts: message.attempts,
    };
    this.rollup.add(state, message.status);
    const recipientStatus = final ? finalRecipientStatus(message.status) : message.attempts > 0 ? 'deferred' : 'pending';
    const recipients = new Map<string, HeldRecipient>();
    for (const address of message.recipients) if (!recipients.has(address)) recipients.set(address, { status: recipientStatus, reply: null, updatedAt: at });
    this.held.hold({ row, state, text: [message.id, message.subject, ...message.recipients].join('\n'), recipients });
    return true;
  }

  /** Inserts the held messages as they now are (inside the batch's transaction). */
  writeHeld(): void {
    for (const { row, text, recipients } of this.held.take()) {
      this.insertMessage.run(row);
      this.insertText.run(row.seq, text);
      this.senders.add(row.seq, row.envelopeFrom, row.from);
      for (const [address, r] of recipients) this.insertRecipient.run(row.seq, address, r.status, r.reply, r.updatedAt);
    }
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
      const stored = this.lastSeqIn.get(first, first + SEQ_PER_MS)?.seq ?? null;
      const held = this.held.lastSeqIn(first);
      const last = stored === null || held === null ? (stored ?? held) : Math.max(stored, held);
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
