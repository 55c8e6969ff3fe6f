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
 * them unless an attempt is running; its due time changes otherwise only by
 * the admin's hand (retry, delete), rare enough to rebuild the heaps for.
 *
 * While delivery is paused no attempt starts; running ones finish, and mail
 * is still accepted and queued.
 */
import TinyQueue, { type Comparator } from 'tinyqueue';
import type { Deliverer } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { RetryConfig } from '../protocol.js';
import { errorMessage } from '../shared/errors.js';
import { attemptDelivery } from './attempt.js';
import { expiredResults, writeBounce } from './bounce-sender.js';
import type { Spool, StoredMessage } from './spool.js';

export interface SchedulerOptions {
  spool: Spool;
  retry(): RetryConfig;
  hostname(): string;
  /** null while no upstream is configured: mail waits. */
  deliverer(): Deliverer | null;
  /** The admin paused delivery: no attempt starts. */
  paused(): boolean;
  emit(event: RelayEvent): void;
  /** Messages tried at the same time. */
  concurrency: number;
}

/** However short the schedule, a message whose attempt broke is not tried again sooner than this. */
const MIN_RETRY_AFTER_FAILURE_MS = 1_000;

/** The answer to the admin's retry or delete: the ids acted on, and those the queue does not hold. */
export interface QueueActionResult {
  done: string[];
  missing: string[];
}

const byDeliveryOrder = (a: StoredMessage, b: StoredMessage) => a.meta.priority - b.meta.priority || a.state.nextAttemptAt - b.state.nextAttemptAt;
const bySoonest = (a: StoredMessage, b: StoredMessage) => a.state.nextAttemptAt - b.state.nextAttemptAt;

export class Scheduler {
  private readonly entries = new Map<string, StoredMessage>();
  /** Due and not running: priority 1 first, then the longest waiting. */
  private due = new TinyQueue<StoredMessage>([], byDeliveryOrder);
  /** Waiting for their next attempt, soonest first. */
  private waiting = new TinyQueue<StoredMessage>([], bySoonest);
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
  counts(): { queued: number; deferred: number; nextAttemptAt: string | null; paused: boolean } {
    const soonest = this.waiting.peek();
    return {
      queued: this.entries.size,
      deferred: this.deferredCount,
      nextAttemptAt: soonest ? new Date(soonest.state.nextAttemptAt).toISOString() : null,
      paused: this.options.paused(),
    };
  }

  /** Delivery was paused or resumed: the queue event says so, and a resume starts what is due at once. */
  pauseChanged(): void {
    this.countsChanged();
    this.kick();
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

  /** Makes every waiting message due now: the admin says the upstream works again. Running attempts finish as they are. Returns their ids. */
  retryNow(): QueueActionResult {
    const now = Date.now();
    const done: string[] = [];
    for (let next = this.waiting.pop(); next; next = this.waiting.pop()) {
      next.state.nextAttemptAt = now;
      this.due.push(next);
      done.push(next.meta.id);
    }
    this.countsChanged();
    this.kick();
    return { done, missing: [] };
  }

  /** Makes these messages due now (those already due or in an attempt count as done). */
  retry(ids: string[]): QueueActionResult {
    const result: QueueActionResult = { done: [], missing: [] };
    const waiting = new Set<string>();
    for (const id of new Set(ids)) {
      const message = this.entries.get(id);
      if (!message) result.missing.push(id);
      else {
        result.done.push(id);
        if (!this.running.has(id) && message.state.nextAttemptAt > Date.now()) waiting.add(id);
      }
    }
    if (waiting.size > 0) {
      const now = Date.now();
      this.waiting = heapWithout(this.waiting, waiting, bySoonest);
      for (const id of waiting) {
        const message = this.entries.get(id) as StoredMessage;
        message.state.nextAttemptAt = now;
        this.due.push(message);
      }
      this.countsChanged();
      this.kick();
    }
    return result;
  }

  /**
   * Removes these messages for good, never delivered, no bounce. One in an
   * attempt is removed when the attempt ends, unless that attempt delivered
   * it to every recipient or bounced it (then it is missing: nothing was left to delete).
   */
  async delete(ids: string[]): Promise<QueueActionResult> {
    const result: QueueActionResult = { done: [], missing: [] };
    const idle = new Set<string>();
    const inAttempt: Promise<void>[] = [];
    for (const id of new Set(ids)) {
      const running = this.running.get(id);
      if (!this.entries.has(id)) result.missing.push(id);
      else if (!running) idle.add(id);
      else inAttempt.push(this.deleteAfterAttempt(id, running).then((gone) => void (gone ? result.done : result.missing).push(id)));
    }
    if (idle.size > 0) {
      await this.discard(idle);
      result.done.push(...idle);
    }
    await Promise.all(inAttempt);
    return result;
  }

  /** Still queued when its attempt ends (deferred): removed then, before the next look for due messages could start it again. */
  private async deleteAfterAttempt(id: string, running: Promise<void>): Promise<boolean> {
    await running;
    if (!this.entries.has(id) || this.running.has(id)) return false;
    return this.discard(new Set([id]));
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
    if (this.stopped || this.options.paused() || !this.options.deliverer()) return;
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
    const { spool } = this.options;
    const results = Date.now() >= expiresAt ? expiredResults(message, retry) : await attemptDelivery(this.options.deliverer(), message, spool, (e) => this.options.emit(e));

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
    if (state.failed.length > 0) {
      const { event, bounce } = await writeBounce(this.options.spool, this.options.hostname(), message, expiresAt <= Date.now() ? 'expired' : 'failed');
      this.options.emit(event);
      if (bounce) this.add(bounce);
    }
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
    state.lastError = `Relay Desk could not record this message's progress: ${errorMessage(err)}`;
    this.options.emit({
      type: 'deferred',
      id: message.meta.id,
      recipients: state.pending,
      error: state.lastError,
      attempts: state.attempts,
      nextAttemptAt: new Date(state.nextAttemptAt).toISOString(),
    });
  }

  /** Takes these idle messages out of the heaps and the spool: the 'deleted' event, no bounce. */
  private async discard(ids: Set<string>): Promise<true> {
    this.due = heapWithout(this.due, ids, byDeliveryOrder);
    this.waiting = heapWithout(this.waiting, ids, bySoonest);
    const messages = [...ids].map((id) => this.entries.get(id) as StoredMessage);
    for (const message of messages) {
      this.entries.delete(message.meta.id);
      if (message.state.attempts > 0) this.deferredCount--;
    }
    this.countsChanged();
    await Promise.all(messages.map((message) => this.options.spool.discard(message)));
    for (const { meta, state } of messages) this.options.emit({ type: 'deleted', id: meta.id, recipients: state.pending });
    return true;
  }

  private countsChanged(): void {
    if (this.countsPending) return;
    this.countsPending = true;
    setImmediate(() => {
      this.countsPending = false;
      this.options.emit({ type: 'queue', ...this.counts() });
    });
  }
}

/** The heap less these messages, rebuilt (O(n): only for the admin's actions, never per message). */
function heapWithout(heap: TinyQueue<StoredMessage>, ids: Set<string>, compare: Comparator<StoredMessage>): TinyQueue<StoredMessage> {
  return new TinyQueue(
    heap.data.slice(0, heap.length).filter((m) => !ids.has(m.meta.id)),
    compare,
  );
}
