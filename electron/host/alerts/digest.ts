/**
 * A channel's digest: alerts gathered over an hour or a local day and sent
 * as one, grouped by kind with counts. The clock is the caller's, so a test
 * moves it past the period's end instead of waiting for it.
 */
import type { Frequency } from '../../api/schemas/alerts.js';
import type { Alert, AlertLike } from './alert.js';

const HOUR_MS = 3_600_000;

/** The start of the hour, or of the local day, that `ms` falls in. */
function periodStart(frequency: Exclude<Frequency, 'immediate'>, ms: number): number {
  if (frequency === 'hourly') return Math.floor(ms / HOUR_MS) * HOUR_MS;
  const day = new Date(ms);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** How many titles of a kind the digest lists before it only counts. */
const LISTED = 5;

/** A digest as sent: its text, and its counts per kind for a webhook's JSON. */
export type DigestAlert = AlertLike & { counts: Record<string, number> };

export class Digest {
  private items: Alert[] = [];
  private start = 0;

  constructor(readonly frequency: Exclude<Frequency, 'immediate'>) {}

  add(alert: Alert, now: number): void {
    if (this.items.length === 0) this.start = periodStart(this.frequency, now);
    this.items.push(alert);
  }

  get pending(): boolean {
    return this.items.length > 0;
  }

  /** The digest of a period that has ended, or null while it runs (or holds nothing). */
  due(now: number): DigestAlert | null {
    if (this.items.length === 0 || periodStart(this.frequency, now) === this.start) return null;
    const items = this.items;
    this.items = [];
    const byKind = new Map<Alert['kind'], Alert[]>();
    for (const a of items) byKind.set(a.kind, [...(byKind.get(a.kind) ?? []), a]);
    const since = new Date(this.start).toISOString();
    const lines = [`${items.length} alerts since ${since}, by kind:`, ''];
    for (const [kind, alerts] of byKind) {
      lines.push(`${kind}: ${alerts.length}`);
      for (const a of alerts.slice(0, LISTED)) lines.push(`  - ${a.title}`);
      if (alerts.length > LISTED) lines.push(`  - and ${alerts.length - LISTED} more`);
    }
    return {
      kind: 'digest',
      subject: since,
      list: null,
      title: `${this.frequency === 'hourly' ? 'Hourly' : 'Daily'} digest: ${[...byKind].map(([k, a]) => `${a.length} ${k}`).join(', ')}`,
      body: lines.join('\n'),
      messageId: null,
      counts: Object.fromEntries([...byKind].map(([k, a]) => [k, a.length])),
    };
  }
}
