/** One alert as the detector raises it and the channels send it. */
import type { AlertKind } from '../../api/schemas/alerts.js';

export interface Alert {
  kind: AlertKind;
  /** What the alert is about (a client address, a user and sender, a message id, "upstream"): with the kind, what the anti-storm window counts. */
  subject: string;
  /** The list whose rule decides, or null for what belongs to no list. */
  list: string | null;
  title: string;
  body: string;
  /** The message the alert is about, for a link to the Messages screen. */
  messageId: string | null;
}

/** What sends a test alert or a digest instead of one kind's alert. */
export type AlertLike = Omit<Alert, 'kind'> & { kind: Alert['kind'] | 'test' | 'digest' };
