/**
 * The counters at the top of the Messages screen, kept in memory and moved
 * by each status change the ingest makes: reading them costs nothing, and
 * no event costs a count over the table. They are counted from the database
 * at start and again at local midnight, when "today" starts over.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Counters as CountersView, MessageStatus } from '../../api/schemas/messages.js';

/** Still in the relay's queue: the "queued" counter, like the relay's own count. */
export const ACTIVE_STATUSES: ReadonlySet<MessageStatus> = new Set(['queued', 'sending', 'deferred']);
const SENT: ReadonlySet<MessageStatus> = new Set(['delivered', 'partly-delivered']);

export function localMidnight(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

export class Counters {
  private since = 0;
  private queued = 0;
  private deferred = 0;
  private sentToday = 0;
  private bouncedToday = 0;
  private refusedToday = 0;
  private readonly counts: Record<'active' | 'deferred' | 'sent' | 'bounced' | 'refused', Statement<number[], { n: number }>>;

  constructor(db: Database, now = Date.now()) {
    const count = (sql: string) => db.prepare<number[], { n: number }>(`SELECT count(*) AS n FROM ${sql}`);
    this.counts = {
      active: count("messages WHERE status IN ('queued', 'sending', 'deferred')"),
      deferred: count("messages WHERE status = 'deferred'"),
      // Today's finished messages from the (finished_at, status) index alone: a start costs a day's count, not the history's.
      sent: count("messages INDEXED BY messages_finished WHERE finished_at >= ? AND status IN ('delivered', 'partly-delivered')"),
      bounced: count("messages INDEXED BY messages_finished WHERE finished_at >= ? AND status = 'bounced'"),
      refused: count('refusals WHERE at >= ?'),
    };
    this.recount(now);
  }

  recount(now = Date.now()): void {
    this.since = localMidnight(now);
    const count = (name: keyof Counters['counts'], ...args: number[]) => this.counts[name].get(...args)?.n ?? 0;
    this.queued = count('active');
    this.deferred = count('deferred');
    this.sentToday = count('sent', this.since);
    this.bouncedToday = count('bounced', this.since);
    this.refusedToday = count('refused', this.since);
  }

  /**
   * A message goes from `from` (null: new) to `to` at `at`. Called before
   * the row is written: a recount at midnight must see the state before it.
   */
  move(from: MessageStatus | null, to: MessageStatus, at: number): void {
    if (from === to) return;
    this.rollOver(at);
    if (from !== null && ACTIVE_STATUSES.has(from)) this.queued--;
    if (ACTIVE_STATUSES.has(to)) this.queued++;
    if (from === 'deferred') this.deferred--;
    if (to === 'deferred') this.deferred++;
    if (at < this.since) return;
    if (SENT.has(to) && !(from !== null && SENT.has(from))) this.sentToday++;
    if (to === 'bounced') this.bouncedToday++;
  }

  refused(at: number): void {
    this.rollOver(at);
    if (at >= this.since) this.refusedToday++;
  }

  view(now = Date.now()): CountersView {
    this.rollOver(now);
    return {
      since: new Date(this.since).toISOString(),
      sentToday: this.sentToday,
      queued: this.queued,
      deferred: this.deferred,
      bouncedToday: this.bouncedToday,
      refusedToday: this.refusedToday,
    };
  }

  private rollOver(now: number): void {
    if (localMidnight(now) > this.since) this.recount(now);
  }
}
