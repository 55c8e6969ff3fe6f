/**
 * What a restarted relay's rate limiter must not forget: each rate-limited
 * user's acceptances within the last hour, read from the message history.
 * Without it a relay restart (a crash, the app restarted) gave every user a
 * fresh hour, and a leaked password could send twice its hourly limit.
 */
import { MAX_RATE_HISTORY, type RateHistory } from '../../relay/protocol.js';
import type { StoredUser } from './store/schema.js';

const HOUR_MS = 3_600_000;

/** An acceptance as the history lists it: who, and when (epoch ms). */
export interface Acceptance {
  user: string;
  acceptedAt: number;
}

export function rateHistory(users: Iterable<StoredUser>, accepted: Iterable<Acceptance>, now = Date.now()): RateHistory[] {
  const limits = new Map<string, number>();
  for (const user of users) {
    if (user.rateLimitPerHour !== null) limits.set(user.name, Math.min(user.rateLimitPerHour, MAX_RATE_HISTORY));
  }
  if (limits.size === 0) return [];
  const times = new Map<string, number[]>();
  for (const message of accepted) {
    if (!limits.has(message.user)) continue;
    const at = message.acceptedAt;
    if (!(at > now - HOUR_MS && at <= now)) continue;
    const list = times.get(message.user) ?? [];
    list.push(at);
    times.set(message.user, list);
  }
  // Only the newest `limit` can matter to the relay's count.
  return [...times].map(([user, list]) => ({ user, acceptedAt: list.sort((a, b) => a - b).slice(-(limits.get(user) as number)) }));
}
