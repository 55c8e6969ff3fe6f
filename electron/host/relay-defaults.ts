/**
 * What the relay runs with when the admin has not said otherwise: the limits
 * and retry schedule of a careful small-office relay.
 */
import type { RetryConfig, SessionLimits } from '../../relay/protocol.js';

export const DEFAULT_LIMITS = {
  maxMessageBytes: 25 * 1024 * 1024,
  maxRecipients: 100,
  maxConnections: 200,
  /**
   * Postfix's smtpd_client_connection_count_limit default. A device keeps one
   * or two connections open while it sends; an office's one NAT'd address,
   * a terminal server or an app that sends in parallel seldom needs more
   * than twenty. One address can then hold a quarter of the slots at most,
   * and the relay hands an idle slot to a newcomer when all are taken.
   */
  maxConnectionsPerClient: 50,
  /**
   * Connection attempts per minute from one address (Postfix's
   * smtpd_client_connection_rate_limit, off there by default). A program
   * that sends one message per connection, back to back, with STARTTLS, a
   * login and a durable write each, stays under ~30 a second; 50 a second is
   * far above it and still keeps one host from spending the relay's CPU on
   * connecting and closing.
   */
  maxConnectionRatePerClient: 3000,
};

/**
 * The session limits the relay runs with; fixed, not in the Server screen:
 * the defaults below are reached by no working client and an admin has
 * nothing to tune in them.
 */
export const SESSION_LIMITS: SessionLimits = {
  // Logging in takes a client well under a second, a slow device a few; a session that has not done so in a minute never will.
  identifyMs: 60_000,
  // A command line arrives in one packet; thirty seconds from its first byte is only ever reached by a client trickling bytes.
  commandLineMs: 30_000,
  // RFC 5321 4.5.3.2.7: a server waits five minutes for the next command. Before login the minute above applies.
  idleMs: 300_000,
  // Postfix's smtpd_min_data_rate: 4 kbit/s, below any LAN or VPN; a 20 MB upload may take as long as it needs above that.
  minDataBytesPerSecond: 500,
  // A client logs in after EHLO, STARTTLS and EHLO again; a few retries fit, a scan does not.
  maxCommandsBeforeAuth: 10,
};

const MINUTE = 60_000;

export const DEFAULT_RETRY: RetryConfig = {
  // 1, 5, 15, 30 minutes, then hourly, then every four hours until the lifetime ends.
  delaysMs: [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE),
  maxLifetimeMs: 5 * 24 * 60 * MINUTE,
};
