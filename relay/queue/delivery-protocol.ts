/**
 * Messages between the relay's main thread (SMTP sessions, spool writes) and
 * its delivery thread (scheduler, deliverers, bounces). Both run code from
 * this package and share no memory: these plain objects are all they share.
 */
import type { RelayEvent } from '../events.js';
import type { DeliveryConfig, DkimKey, RetryConfig } from '../protocol.js';
import type { StoredMessage } from './spool.js';

export interface DeliverySettings {
  hostname: string;
  retry: RetryConfig;
  delivery: DeliveryConfig | null;
  dkim: DkimKey[];
}

export type ToDeliveryThread =
  | { type: 'start'; spoolDir: string; settings: DeliverySettings; messages: StoredMessage[] }
  | { type: 'settings'; settings: DeliverySettings }
  | { type: 'add'; message: StoredMessage }
  | { type: 'stop' };

export type FromDeliveryThread = { type: 'events'; events: RelayEvent[] } | { type: 'stopped' };
