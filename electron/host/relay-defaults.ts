/**
 * What the relay runs with when the admin has not said otherwise: the limits
 * and retry schedule of a careful small-office relay.
 */
import type { RetryConfig } from '../../relay/protocol.js';

export const DEFAULT_LIMITS = {
  maxMessageBytes: 25 * 1024 * 1024,
  maxRecipients: 100,
  maxConnections: 200,
};

const MINUTE = 60_000;

export const DEFAULT_RETRY: RetryConfig = {
  // 1, 5, 15, 30 minutes, then hourly, then every four hours until the lifetime ends.
  delaysMs: [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE),
  maxLifetimeMs: 5 * 24 * 60 * MINUTE,
};
