/**
 * Decides when each queued message is tried: due messages first by priority
 * (1 before 5), then by due time, a bounded number at once. A temporary
 * failure is retried after the next delay of the schedule; past the maximum
 * lifetime, or on a permanent failure, the sender gets a bounce through the
 * same upstream. Progress is saved beside the message so a restart resumes
 * where it stopped.
 *
 * Two heaps keep each look cheap however long the queue grows (a day of
 * mail held back by a dead upstream): the messages due now, in delivery
 * order, and those waiting, soonest first. A message is in exactly one of
 * them unless an attempt is running; its due time changes only then.
 */
import type { Readable } from 'node:stream';
import TinyQueue from 'tinyqueue';
import type { Deliverer, RecipientResult } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { RetryConfig } from '../protocol.js';
import { buildBounce } from './bounce.js';
import { newQueueId, type MessageMeta, type Spool, type StoredMessage } from './spool.js';

export interface SchedulerOptions {
  spool: Spool;
  retry(): RetryConfig;
  hostname(): string;
  /** null while no upstream is configured: mail waits. */
  deliverer(): Deliverer | null;
  emit(event: RelayEvent): void;
  /** Messages tried at the same time. */
  concurrency: number;
}

/** However short the schedule, a message whose attempt broke is not tried again sooner than this. */
const MIN_RETRY_AFTER_FAILURE_MS = 1_000;

/** The part of an original message a bounce quotes. */
const MAX_QUOTED_HEADER_BYTES = 64 * 1024;

export class Scheduler {
  private readonly entries = new Map<string, StoredMessage>();
  /** Due and not running: priority 1 first, then the longest waiting. */
  private readonly due = new TinyQueue<StoredMessage>([], (a, b) => a.meta.priority - b.meta.priority || a.state.nextAttemptAt - b.state.nextAttemptAt);
  /** Waiting for their next attempt, soonest first. */
  private readonly waiting = new TinyQueue<StoredMessage>([], (a, b) => a.state.nextAttemptAt - b.state.nextAttemptAt);
  private readonly running = new Map<string, Promise<void>>();
  /** Entries tried at least once, counted as they change (counting them per event cost O(queue)). */
  private deferredCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private kickPending = false;
  private countsPending = false;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {}

  add(message: StoredMessage): void {
    this.entries.set(message.meta.id, message);
    if (message.state.attempts > 0) this.deferredCount++;
    this.enqueue(message);
    this.countsChanged();
    this.kick();
  }

  /** Every message in the queue, running or waiting. */
  messages(): StoredMessage[] {
    return [...this.entries.values()];
  }

  /** What the queue holds, and when the soonest waiting message is tried again (the head of a heap: no walk over the queue). */
  counts(): { queued: number; deferred: number; nextAttemptAt: string | null } {
    const soonest = this.waiting.peek();
    return { queued: this.entries.size, deferred: this.deferredCount, nextAttemptAt: soonest ? new Date(soonest.state.nextAttemptAt).toISOString() : null };
  }

  /** Looks for due messages on the next tick (many calls in one tick make one look). */
  kick(): void {
    if (this.kickPending || this.stopped) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.run();
    });
  }

  /** Makes every waiting message due now: the admin says the upstream works again. Running attempts finish as they are. */
  retryNow(): void {
    const now = Date.now();
    for (let next = this.waiting.pop(); next; next = this.waiting.pop()) {
      next.state.nextAttemptAt = now;
      this.due.push(next);
    }
    this.countsChanged();
    this.kick();
  }

  /** Starts no new attempt and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled(this.running.values());
  }

  private enqueue(message: StoredMessage): void {
    if (message.state.nextAttemptAt <= Date.now()) this.due.push(message);
    else this.waiting.push(message);
  }

  private run(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || !this.options.deliverer()) return;
    const now = Date.now();
    for (let next = this.waiting.peek(); next && next.state.nextAttemptAt <= now; next = this.waiting.peek()) {
      this.due.push(this.waiting.pop() as StoredMessage);
    }
    while (this.due.length > 0 && this.running.size < this.options.concurrency) this.start(this.due.pop() as StoredMessage);
    const soonest = this.waiting.peek();
    if (soonest) this.timer = setTimeout(() => this.kick(), Math.max(0, soonest.state.nextAttemptAt - now)).unref();
  }

  private start(message: StoredMessage): void {
    const id = message.meta.id;
    this.running.set(
      id,
      this.attempt(message)
        .catch((err: unknown) => this.failedUnexpectedly(message, err))
        .finally(() => {
          this.running.delete(id);
          // Still queued: deferred, or the attempt broke; it waits for its next time.
          if (this.entries.has(id)) this.enqueue(message);
          this.kick();
        }),
    );
  }

  private async attempt(message: StoredMessage): Promise<void> {
    const { meta, state } = message;
    const retry = this.options.retry();
    const expiresAt = meta.acceptedAt + retry.maxLifetimeMs;
    let results: RecipientResult[];
    if (Date.now() >= expiresAt) {
      const why = state.lastError ? `: ${state.lastError}` : '';
      results = state.pending.map((recipient) => ({
        recipient,
        status: 'failed' as const,
        response: `Gave up after ${state.attempts} attempts over ${formatDuration(retry.maxLifetimeMs)}${why}`,
      }));
    } else {
      results = await this.deliver(message);
    }

    const delivered = results.filter((r) => r.status === 'delivered');
    const failed = results.filter((r) => r.status === 'failed');
    const deferred = results.filter((r) => r.status === 'deferred');
    if (delivered.length > 0) {
      this.options.emit({ type: 'delivered', id: meta.id, recipients: delivered.map((r) => r.recipient), response: delivered[0]?.response ?? '' });
    }
    state.failed.push(...failed);
    state.pending = deferred.map((r) => r.recipient);
    if (deferred.length > 0) {
      if (state.attempts === 0) this.deferredCount++;
      state.attempts += 1;
      const delays = retry.delaysMs;
      const delay = delays[Math.min(state.attempts - 1, delays.length - 1)] ?? 0;
      state.nextAttemptAt = Math.min(Date.now() + delay, expiresAt);
      state.lastError = deferred[0]?.response ?? 'temporary failure';
      this.options.spool.release(message);
      await this.options.spool.saveState(meta.id, state);
      this.options.emit({
        type: 'deferred',
        id: meta.id,
        recipients: state.pending,
        error: state.lastError,
        attempts: state.attempts,
        nextAttemptAt: new Date(state.nextAttemptAt).toISOString(),
      });
      this.countsChanged();
      return;
    }
    if (state.failed.length > 0) await this.bounce(message, expiresAt <= Date.now() ? 'expired' : 'failed');
    await this.options.spool.remove(message);
    this.entries.delete(meta.id);
    if (state.attempts > 0) this.deferredCount--;
    this.countsChanged();
  }

  /**
   * A failure of the relay's own (the spool could not be written, say) is a
   * deferral like any other: reported, and tried again after the first delay,
   * never at once in a loop.
   */
  private failedUnexpectedly(message: StoredMessage, err: unknown): void {
    const { state } = message;
    const delay = Math.max(MIN_RETRY_AFTER_FAILURE_MS, this.options.retry().delaysMs[0] ?? 0);
    state.nextAttemptAt = Date.now() + delay;
    state.lastError = `Relay Desk could not record this message's progress: ${err instanceof Error ? err.message : String(err)}`;
    this.options.emit({
      type: 'deferred',
      id: message.meta.id,
      recipients: state.pending,
      error: state.lastError,
      attempts: state.attempts,
      nextAttemptAt: new Date(state.nextAttemptAt).toISOString(),
    });
  }

  private async deliver(message: StoredMessage): Promise<RecipientResult[]> {
    const deliverer = this.options.deliverer();
    const { meta, state } = message;
    if (!deliverer) return state.pending.map((recipient) => ({ recipient, status: 'deferred' as const, response: 'No upstream is configured' }));
    try {
      return await deliverer.deliver({
        id: meta.id,
        from: meta.envelope.from,
        recipients: state.pending,
        body: () => this.options.spool.openBody(message),
        fromDomain: meta.fromDomain,
      });
    } catch (err) {
      const response = err instanceof Error ? err.message : String(err);
      return state.pending.map((recipient) => ({ recipient, status: 'deferred' as const, response }));
    }
  }

  /** Tells the sender which recipients failed; a bounce itself is never bounced. */
  private async bounce(message: StoredMessage, reason: 'failed' | 'expired'): Promise<void> {
    const { meta, state } = message;
    const recipients = state.failed.map((r) => r.recipient);
    const why = state.failed[0]?.response ?? reason;
    if (meta.envelope.from === '') {
      this.options.emit({ type: 'bounced', id: meta.id, recipients, reason: why, bounceId: null });
      return;
    }
    const hostname = this.options.hostname();
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
      originalHeaders: await readHeaderBlock(this.options.spool.openBody(message)),
    });
    const stored = await this.options.spool.writeWhole(bounceMeta, Buffer.from(text));
    this.options.emit({ type: 'bounced', id: meta.id, recipients, reason: why, bounceId: bounceMeta.id });
    this.add(stored);
  }

  private countsChanged(): void {
    if (this.countsPending) return;
    this.countsPending = true;
    setImmediate(() => {
      this.countsPending = false;
      this.options.emit({ type: 'queue', ...this.counts(), paused: false });
    });
  }
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
