/**
 * Messages per hour per user, counted when a message is accepted (at the end
 * of DATA, so pipelining several messages in one session cannot slip past).
 * Kept in memory; the host hands a restarted relay the last hour's
 * acceptances from its message history (seed()), so a restart does not start the
 * hour afresh.
 */
const HOUR_MS = 3_600_000;

/** One user's acceptance times, oldest first; those before `head` have left the hour. */
interface Window {
  times: number[];
  head: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /** Whether one more message fits; if it does, it is counted. */
  take(user: string, perHour: number | null, now = Date.now()): boolean {
    if (perHour === null) return true;
    const window = this.current(user, now);
    if (window.times.length - window.head >= perHour) return false;
    window.times.push(now);
    return true;
  }

  /** Adds acceptances the relay did not see itself (before a restart), kept in time order. */
  seed(user: string, acceptedAt: number[], now = Date.now()): void {
    const window = this.current(user, now);
    const kept = window.times.slice(window.head).concat(acceptedAt.filter((t) => t > now - HOUR_MS && t <= now));
    this.windows.set(user, { times: kept.sort((a, b) => a - b), head: 0 });
  }

  /**
   * The user's window with what left the hour dropped. Times only grow, so
   * that is a step along the front, not a pass over a whole hour's messages
   * (a user allowed 100,000 an hour made each message copy the lot).
   */
  private current(user: string, now: number): Window {
    let window = this.windows.get(user);
    if (!window) {
      window = { times: [], head: 0 };
      this.windows.set(user, window);
    }
    const { times } = window;
    while (window.head < times.length && (times[window.head] as number) <= now - HOUR_MS) window.head++;
    // The dropped front is cut off once it is as long as what is left.
    if (window.head > 0 && window.head * 2 >= times.length) {
      window.times = times.slice(window.head);
      window.head = 0;
    }
    return window;
  }
}
