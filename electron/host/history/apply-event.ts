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
import { MessageAdder, type NewMessage, type RecipientStatus } from './add-message.js';
import { ACTIVE_STATUSES, type Counters } from './counters.js';
import { heldRecipientStatuses, patchHeld, setHeldRecipient, setHeldWaiting, type MessagePatch, type MessageState } from './held-messages.js';
import type { ListNames } from './list-names.js';
import { GROUPED_COLUMNS, RollupDeltas } from './rollup.js';

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

export class EventApplier {
  private readonly find: Statement<[string], MessageState>;
  private readonly setRecipient: Statement<[string, string | null, number, number, string]>;
  private readonly setAllWaiting: Statement<[string, number, number]>;
  private readonly recipientStatuses: Statement<[number], { status: RecipientStatus; n: number }>;
  private readonly update: Statement<Record<string, unknown>>;
  private readonly insertAttempt: Statement<[number, number, number, string | null, string]>;
  private readonly insertRefusal: Statement<[number, string, string | null, string, string | null, string, number, string]>;
  private readonly active: Statement<[], { id: string; seq: number; status: MessageStatus }>;
  private readonly rollup: RollupDeltas;
  private readonly adder: MessageAdder;
  /** Messages whose recipients got their own replies from an 'attempt': its summary events keep them. */
  private readonly answered = new Set<number>();

  constructor(
    db: Database,
    private readonly counters: Counters,
    lists: ListNames,
  ) {
    this.rollup = new RollupDeltas(db);
    this.adder = new MessageAdder(db, counters, lists, this.rollup);
    this.find = db.prepare(`SELECT ${GROUPED_COLUMNS}, status, attempts FROM messages WHERE id = ?`);
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

  /** Runs `apply` and `add` calls as one batch, inside the caller's transaction: its new messages and the rollup's changes are written at its end. */
  inBatch(work: () => void): void {
    try {
      work();
      this.adder.writeHeld();
      this.rollup.write();
    } finally {
      this.adder.held.clear();
      this.rollup.discard();
    }
  }

  /** One event; only inside `inBatch`. */
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

  /** Adds a message unless its id is already recorded; says whether it did. Only inside `inBatch`. */
  add(message: NewMessage, at: number): boolean {
    return this.adder.add(message, at);
  }

  private refusal(event: Extract<RelayEvent, { type: 'rejected' }>, at: number): void {
    this.counters.refused(at);
    this.insertRefusal.run(at, event.remoteAddress, event.user, event.stage, event.envelope?.from ?? null, JSON.stringify(event.envelope?.to ?? []), event.code, event.reply);
  }

  private attempt(event: Extract<RelayEvent, { type: 'attempt' }>, at: number, changed: Set<string>): void {
    const current = this.current(event.id);
    if (!current) return;
    this.insertAttempt.run(current.seq, Date.parse(event.startedAt) || at, event.durationMs, event.remoteHost, JSON.stringify(event.results));
    this.answered.add(current.seq);
    for (const result of event.results) {
      const reply = result.code !== undefined && !result.response.startsWith(String(result.code)) ? `${result.code} ${result.response}` : result.response;
      this.recipient(current.seq, result.recipient, result.status === 'failed' ? 'bounced' : result.status, reply, at);
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
      for (const address of recipients) this.recipient(current.seq, address, outcome, own, at);
      // Deleting a message removes it whole, whichever recipients the relay named.
      if (outcome === 'deleted') this.waitingTo(current.seq, 'deleted', at);
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
    const held = this.adder.held.at(seq);
    for (const row of held ? heldRecipientStatuses(held) : this.recipientStatuses.all(seq)) n[row.status] = row.n;
    if (n.pending + n.deferred > 0) return null;
    if (n.delivered === 0 && n.bounced === 0) return 'deleted';
    if (n.bounced === 0) return 'delivered';
    return n.delivered === 0 ? 'bounced' : 'partly-delivered';
  }

  /** Messages the relay holds that the history missed are added; those it no longer holds but the history thought queued become unknown. */
  private reconcile(event: Snapshot, at: number, changed: Set<string>): void {
    // The query below reads stored statuses: this batch's messages so far are stored first.
    this.adder.writeHeld();
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
    next: (current: MessageState) => MessagePatch | null,
  ): void {
    const current = this.current(id);
    if (!current) return;
    const patch = next(current);
    if (!patch) return;
    this.write(current, patch, at);
    changed.add(id);
  }

  /** A message's state: held in this batch, or as stored. */
  private current(id: string): MessageState | undefined {
    return this.adder.held.state(id) ?? this.find.get(id);
  }

  private recipient(seq: number, address: string, status: RecipientStatus, reply: string | null, at: number): void {
    const held = this.adder.held.at(seq);
    if (held) setHeldRecipient(held, address, status, reply, at);
    else this.setRecipient.run(status, reply, at, seq, address);
  }

  private waitingTo(seq: number, status: RecipientStatus, at: number): void {
    const held = this.adder.held.at(seq);
    if (held) setHeldWaiting(held, status, at);
    else this.setAllWaiting.run(status, at, seq);
  }

  private write(current: MessageState, patch: MessagePatch, at: number): void {
    this.counters.move(current.status, patch.status, at);
    this.rollup.move(current, current.status, patch.status);
    if (!ACTIVE_STATUSES.has(patch.status)) this.answered.delete(current.seq);
    const held = this.adder.held.at(current.seq);
    if (held) {
      patchHeld(held, patch, at);
      return;
    }
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

