/**
 * No alert storm: the same alert (kind and subject) goes out at most once
 * per window, and a kind goes out for at most `perKind` subjects per window.
 * What was held back is summed up when the window ends ("and 240 more"), so
 * a flood costs the admin two messages, not hundreds.
 */
import type { Alert } from './alert.js';

const STORM_WINDOW_MS = 15 * 60_000;
const PER_KIND = 10;

interface Window {
  since: number;
  held: number;
  first: Alert;
}

export class Throttle {
  private readonly subjects = new Map<string, Window>();
  private readonly kinds = new Map<Alert['kind'], { since: number; sent: number; held: number; first: Alert }>();

  constructor(
    private readonly windowMs = STORM_WINDOW_MS,
    private readonly perKind = PER_KIND,
  ) {}

  /** Whether the alert goes out now; false when it is counted toward a summary instead. */
  admit(alert: Alert, now: number): boolean {
    const key = `${alert.kind}\0${alert.subject}`;
    const open = this.subjects.get(key);
    if (open && now - open.since < this.windowMs) {
      open.held += 1;
      return false;
    }
    let kind = this.kinds.get(alert.kind);
    if (!kind || now - kind.since >= this.windowMs) {
      kind = { since: now, sent: 0, held: 0, first: alert };
      this.kinds.set(alert.kind, kind);
    }
    if (kind.sent >= this.perKind) {
      kind.held += 1;
      return false;
    }
    kind.sent += 1;
    this.subjects.set(key, { since: now, held: 0, first: alert });
    return true;
  }

  /** The summaries of windows that ended with alerts held back; each one opens a new window for its subject. */
  due(now: number): Alert[] {
    const out: Alert[] = [];
    const minutes = Math.round(this.windowMs / 60_000);
    for (const [key, w] of this.subjects) {
      if (now - w.since < this.windowMs) continue;
      if (w.held === 0) {
        this.subjects.delete(key);
        continue;
      }
      out.push({ ...w.first, title: `${w.first.title} (and ${w.held} more)`, body: `${w.first.body}\n\nAnd ${w.held} more like it in the last ${minutes} minutes.` });
      this.subjects.set(key, { since: now, held: 0, first: w.first });
    }
    for (const [kind, k] of this.kinds) {
      if (now - k.since < this.windowMs) continue;
      this.kinds.delete(kind);
      if (k.held === 0) continue;
      out.push({
        ...k.first,
        subject: 'flood',
        messageId: null,
        title: `${k.held} more alerts like "${k.first.title}"`,
        body: `In the last ${minutes} minutes, ${k.sent + k.held} alerts of this kind were raised; ${k.sent} were sent and these ${k.held} more are summed up here.`,
      });
    }
    return out;
  }

  /** Whether a window is open: the timer that calls due() must run. */
  get pending(): boolean {
    return this.subjects.size > 0 || this.kinds.size > 0;
  }
}
