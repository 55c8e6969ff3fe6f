/**
 * Messages per hour per user, counted when a message is accepted (at the end
 * of DATA, so pipelining several messages in one session cannot slip past).
 * Kept in memory: a relay restart starts the hour afresh.
 */
const HOUR_MS = 3_600_000;

export class RateLimiter {
  private readonly sent = new Map<string, number[]>();

  /** Whether one more message fits; if it does, it is counted. */
  take(user: string, perHour: number | null, now = Date.now()): boolean {
    if (perHour === null) return true;
    const recent = (this.sent.get(user) ?? []).filter((t) => t > now - HOUR_MS);
    if (recent.length >= perHour) {
      this.sent.set(user, recent);
      return false;
    }
    recent.push(now);
    this.sent.set(user, recent);
    return true;
  }
}
