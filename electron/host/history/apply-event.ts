/**
 * What each relay event does to the history's rows. Runs inside the
 * ingest's transaction; `changed` collects the ids of messages whose row
 * changed, for the live 'message.updated' events.
 *
 * Within one delivery attempt the relay reports 'attempt' (every
 * recipient's answer), then 'delivered' for those delivered, then
 * 'deferred' or 'bounced' for the others. A message's status follows its
 * recipients: all delivered is delivered, some delivered and the rest
 * bounced is partly delivered, all bounced is bounced; while any recipient
 * still waits it is deferred (or being sent).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { RelayEvent } from '../../../relay/events.js';
import type { MessageStatus } from '../../api/schemas/messages.js';
import { ACTIVE_STATUSES, type Counters } from './counters.js';
import { dynamicSubject } from './dynamic-subject.js';
import { GROUPED_COLUMNS, Rollup, type GroupedMessage } from './rollup.js';
import { SenderKeys } from './senders.js';
import { firstSeqAt, SEQ_PER_MS } from './sequence.js';

type RecipientStatus = 'pending' | 'delivered' | 'deferred' | 'bounced' | 'deleted';
type Accepted = Extract<RelayEvent, { type: 'accepted' }>;
type Snapshot = Extract<RelayEvent, { type: 'queue-snapshot' }>;

/** The events the history records; the rest (sessions, listeners, ...) pass it by. */
export const HISTORY_EVENTS: ReadonlySet<RelayEvent['type']> = new Set([
  'accepted',
  'rejected',
  'sending',
  'attempt',
  'delivered',
  'deferred',
  'bounced',
  'deleted',
  'queue-snapshot',
]);

export const UNKNOWN_REPLY = 'The relay finished with this message while its outcome could not be recorded (it was restarted).';

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

interface Current extends GroupedMessage {
  status: MessageStatus;
  attempts: number;
}

export class EventApplier {
  private readonly find: Statement<[string], Current>;
  private readonly lastSeqIn: Statement<[number, number], { seq: number | null }>;
  private readonly insertMessage: Statement<Record<string, unknown>>;
  private readonly insertText: Statement<[number, string]>;
  private readonly insertRecipient: Statement<[number, string, string, number]>;
  private readonly setRecipient: Statement<[string, string | null, number, number, string]>;
  private readonly setAllWaiting: Statement<[string, number, number]>;
  private readonly recipientStatuses: Statement<[number], { status: RecipientStatus; n: number }>;
  private readonly update: Statement<Record<string, unknown>>;
  private readonly insertAttempt: Statement<[number, number, number, string | null, string]>;
  private readonly insertRefusal: Statement<[number, string, string | null, string, string | null, string, number, string]>;
  private readonly active: Statement<[], { id: string; seq: number; status: MessageStatus }>;
  private readonly rollup: Rollup;
  private readonly senders: SenderKeys;
  /** Messages whose recipients got their own replies from an 'attempt': its summary events keep them. */
  private readonly answered = new Set<number>();

  constructor(
    db: Database,
    private readonly counters: Counters,
  ) {
    this.rollup = new Rollup(db);
    this.senders = new SenderKeys(db);
    this.find = db.prepare(`SELECT ${GROUPED_COLUMNS}, status, attempts FROM messages WHERE id = ?`);
    this.lastSeqIn = db.prepare('SELECT max(seq) AS seq FROM messages WHERE seq >= ? AND seq < ?');
    this.insertMessage = db.prepare(`INSERT INTO messages (seq, id, list, user, envelope_from, from_addr, from_name, subject, dynamic_subject,
      recipients, size, tls, priority, campaign_code, campaign_name, status, attempts, updated_at, finished_at, added_headers, last_reply, next_attempt_at)
      VALUES (@seq, @id, @list, @user, @envelopeFrom, @from, @fromName, @subject, @dynamicSubject, @recipients, @size, @tls, @priority,
      @campaignCode, @campaignName, @status, @attempts, @at, @finishedAt, @addedHeaders, @lastReply, @nextAttemptAt)`);
    this.insertText = db.prepare('INSERT INTO messages_text (rowid, text) VALUES (?, ?)');
    this.insertRecipient = db.prepare('INSERT OR IGNORE INTO recipients (seq, address, status, updated_at) VALUES (?, ?, ?, ?)');
    this.setRecipient = db.prepare('UPDATE recipients SET status = ?, reply = coalesce(?, reply), updated_at = ? WHERE seq = ? AND address = ?');
    this.setAllWaiting = db.prepare("UPDATE recipients SET status = ?, updated_at = ? WHERE seq = ? AND status IN ('pending', 'deferred')");
    this.recipientStatuses = db.prepare('SELECT status, count(*) AS n FROM recipients WHERE seq = ? GROUP BY status');
    this.update = db.prepare(`UPDATE messages SET status = @status, attempts = @attempts, updated_at = @at,
      finished_at = CASE WHEN @final THEN coalesce(finished_at, @at) ELSE NULL END,
      next_attempt_at = CASE WHEN @status = 'deferred' THEN coalesce(@nextAttemptAt, next_attempt_at) ELSE NULL END, last_reply = coalesce(@reply, last_reply),
      bounce_id = coalesce(@bounceId, bounce_id), bounce_reason = coalesce(@bounceReason, bounce_reason) WHERE seq = @seq`);
    this.insertAttempt = db.prepare('INSERT INTO attempts (seq, started_at, duration_ms, remote_host, results) VALUES (?, ?, ?, ?, ?)');
    this.insertRefusal = db.prepare('INSERT INTO refusals (at, remote_address, user, stage, envelope_from, recipients, code, reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.active = db.prepare("SELECT id, seq, status FROM messages WHERE status IN ('queued', 'sending', 'deferred')");
  }

  apply(event: RelayEvent, at: number, changed: Set<string>): void {
    switch (event.type) {
      case 'accepted':
        if (this.add(fromAccepted(event, at), at)) changed.add(event.id);
        return;
      case 'rejected':
        this.refusal(event, at);
        return;
      case 'sending':
        this.transition(event.id, at, changed, (m) => {
          this.answered.delete(m.seq);
          return ACTIVE_STATUSES.has(m.status) ? { status: 'sending' } : null;
        });
        return;
      case 'attempt':
        this.attempt(event, at, changed);
        return;
      case 'delivered':
        this.outcome(event.id, event.recipients, 'delivered', event.response, at, changed);
        return;
      case 'deferred':
        this.outcome(event.id, event.recipients, 'deferred', event.error, at, changed, { attempts: event.attempts, nextAttemptAt: Date.parse(event.nextAttemptAt) });
        return;
      case 'bounced':
        this.outcome(event.id, event.recipients, 'bounced', event.reason, at, changed, { bounceId: event.bounceId, bounceReason: event.reason });
        return;
      case 'deleted':
        this.outcome(event.id, event.recipients, 'deleted', null, at, changed);
        return;
      case 'queue-snapshot':
        this.reconcile(event, at, changed);
        return;
      default:
        return;
    }
  }

  /** Adds a message unless its id is already recorded; says whether it did. */
  add(message: NewMessage, at: number): boolean {
    if (this.find.get(message.id)) return false;
    const seq = this.nextSeq(message.acceptedAt);
    const final = !ACTIVE_STATUSES.has(message.status);
    const dynamic = dynamicSubject(message.subject);
    this.counters.move(null, message.status, at);
    this.insertMessage.run({
      ...message,
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
        list: message.list,
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

  /** The first free key at or after this acceptance time's. */
  private nextSeq(acceptedAt: number): number {
    const first = firstSeqAt(acceptedAt);
    const last = this.lastSeqIn.get(first, first + SEQ_PER_MS)?.seq ?? null;
    return last === null ? first : last + 1;
  }

  private refusal(event: Extract<RelayEvent, { type: 'rejected' }>, at: number): void {
    this.counters.refused(at);
    this.insertRefusal.run(at, event.remoteAddress, event.user, event.stage, event.envelope?.from ?? null, JSON.stringify(event.envelope?.to ?? []), event.code, event.reply);
  }

  private attempt(event: Extract<RelayEvent, { type: 'attempt' }>, at: number, changed: Set<string>): void {
    const current = this.find.get(event.id);
    if (!current) return;
    this.insertAttempt.run(current.seq, Date.parse(event.startedAt) || at, event.durationMs, event.remoteHost, JSON.stringify(event.results));
    this.answered.add(current.seq);
    for (const result of event.results) {
      const reply = result.code !== undefined && !result.response.startsWith(String(result.code)) ? `${result.code} ${result.response}` : result.response;
      this.setRecipient.run(result.status === 'failed' ? 'bounced' : result.status, reply, at, current.seq, result.recipient);
    }
    const worst = event.results.find((r) => r.status !== 'delivered') ?? event.results[0];
    this.write(current, { status: current.status, attempts: current.attempts + 1, reply: worst?.response ?? null }, at);
    changed.add(event.id);
  }

  /** A summary event: these recipients got this outcome; the message's status follows all its recipients. */
  private outcome(
    id: string,
    recipients: readonly string[],
    outcome: 'delivered' | 'deferred' | 'bounced' | 'deleted',
    reply: string | null,
    at: number,
    changed: Set<string>,
    extra: { attempts?: number; nextAttemptAt?: number; bounceId?: string | null; bounceReason?: string } = {},
  ): void {
    this.transition(id, at, changed, (current) => {
      const own = this.answered.has(current.seq) ? null : reply;
      for (const address of recipients) this.setRecipient.run(outcome, own, at, current.seq, address);
      // Deleting a message removes it whole, whichever recipients the relay named.
      if (outcome === 'deleted') this.setAllWaiting.run('deleted', at, current.seq);
      const waiting = outcome === 'deferred' ? 'deferred' : current.status === 'deferred' ? 'deferred' : 'sending';
      return {
        status: this.settled(current.seq) ?? waiting,
        attempts: Math.max(current.attempts, extra.attempts ?? 0),
        reply,
        ...(extra.nextAttemptAt !== undefined ? { nextAttemptAt: extra.nextAttemptAt } : {}),
        ...(extra.bounceReason !== undefined ? { bounceId: extra.bounceId ?? null, bounceReason: extra.bounceReason } : {}),
      };
    });
  }

  /** The final status its recipients give a message, or null while any still waits. */
  private settled(seq: number): MessageStatus | null {
    const n: Record<RecipientStatus, number> = { pending: 0, delivered: 0, deferred: 0, bounced: 0, deleted: 0 };
    for (const row of this.recipientStatuses.all(seq)) n[row.status] = row.n;
    if (n.pending + n.deferred > 0) return null;
    if (n.delivered === 0 && n.bounced === 0) return 'deleted';
    if (n.bounced === 0) return 'delivered';
    return n.delivered === 0 ? 'bounced' : 'partly-delivered';
  }

  /** Messages the relay holds that the history missed are added; those it no longer holds but the history thought queued become unknown. */
  private reconcile(event: Snapshot, at: number, changed: Set<string>): void {
    const inQueue = new Set(event.messages.map((m) => m.id));
    for (const m of this.active.all()) {
      if (inQueue.has(m.id)) continue;
      this.transition(m.id, at, changed, () => ({ status: 'unknown', reply: UNKNOWN_REPLY }));
    }
    for (const m of event.messages) {
      const added = this.add(
        {
          id: m.id,
          acceptedAt: Date.parse(m.acceptedAt) || at,
          list: '',
          user: m.user,
          envelopeFrom: m.envelope.from,
          from: m.from,
          fromName: '',
          subject: m.subject,
          recipients: m.envelope.to,
          size: null,
          tls: null,
          priority: null,
          campaignCode: null,
          campaignName: null,
          addedHeaders: [],
          status: m.attempts > 0 ? 'deferred' : 'queued',
          attempts: m.attempts,
        },
        at,
      );
      if (added) changed.add(m.id);
    }
  }

  private transition(
    id: string,
    at: number,
    changed: Set<string>,
    next: (current: Current) => { status: MessageStatus; attempts?: number; reply?: string | null; nextAttemptAt?: number; bounceId?: string | null; bounceReason?: string } | null,
  ): void {
    const current = this.find.get(id);
    if (!current) return;
    const patch = next(current);
    if (!patch) return;
    this.write(current, patch, at);
    changed.add(id);
  }

  private write(
    current: Current,
    patch: { status: MessageStatus; attempts?: number; reply?: string | null; nextAttemptAt?: number; bounceId?: string | null; bounceReason?: string },
    at: number,
  ): void {
    this.counters.move(current.status, patch.status, at);
    this.rollup.move(current, current.status, patch.status);
    if (!ACTIVE_STATUSES.has(patch.status)) this.answered.delete(current.seq);
    this.update.run({
      seq: current.seq,
      status: patch.status,
      attempts: patch.attempts ?? current.attempts,
      at,
      final: Number(!ACTIVE_STATUSES.has(patch.status)),
      nextAttemptAt: patch.nextAttemptAt ?? null,
      reply: patch.reply ?? null,
      bounceId: patch.bounceId ?? null,
      bounceReason: patch.bounceReason ?? null,
    });
  }
}

function fromAccepted(event: Accepted, at: number): NewMessage {
  return {
    id: event.id,
    acceptedAt: at,
    list: event.list,
    user: event.user,
    envelopeFrom: event.envelope.from,
    from: event.from,
    fromName: event.fromName,
    subject: event.subject,
    recipients: event.envelope.to,
    size: event.size,
    tls: event.tls,
    priority: event.priority,
    campaignCode: event.campaign?.code ?? null,
    campaignName: event.campaign?.name ?? null,
    addedHeaders: event.addedHeaders,
    status: 'queued',
    attempts: 0,
  };
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
