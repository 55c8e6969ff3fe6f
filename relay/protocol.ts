/**
 * The contract between the admin host and the relay child process.
 * Everything that crosses the process boundary is described here with zod
 * and validated on arrival, in both directions. Secrets (password verifiers,
 * the upstream password, TLS and DKIM keys) travel only this way: never in
 * argv or the environment.
 */
import { z } from 'zod';

/** Ports an office device may be pointed at: the seed's set plus submission and SMTPS. */
export function isAllowedPort(port: number): boolean {
  return port === 25 || port === 80 || port === 465 || port === 587 || (port >= 1025 && port <= 5000);
}

const PortNumber = z.number().int().min(1).max(65535);

// In a module of its own that imports nothing: `serve` forks the relay with it before loading zod (../electron/cli.ts).
export { RELAY_EXEC_ARGV } from './shared/node-options.js';

/**
 * none: plain SMTP, AUTH in the clear (old devices); starttls: TLS offered;
 * starttls-required: nothing but EHLO/STARTTLS before TLS; tls: implicit TLS (465).
 */
export const EncryptionSchema = z.enum(['none', 'starttls', 'starttls-required', 'tls']);
export type Encryption = z.infer<typeof EncryptionSchema>;

export const ListenerConfigSchema = z
  .object({
    port: z.number().int().refine(isAllowedPort, { error: 'port must be 25, 80, 465, 587 or between 1025 and 5000' }),
    address: z.union([z.ipv4(), z.ipv6()]),
    encryption: EncryptionSchema,
    /** With STARTTLS offered: refuse AUTH until the client has switched to TLS. */
    requireTlsForAuth: z.boolean().default(false),
  })
  .refine((l) => !(l.encryption === 'none' && l.requireTlsForAuth), {
    error: 'a port without encryption cannot require TLS before AUTH',
    path: ['requireTlsForAuth'],
  });
export type ListenerConfig = z.infer<typeof ListenerConfigSchema>;

/**
 * Whether a client may log in on this port before TLS, its password crossing
 * the network readable: on a port without encryption, or with optional
 * STARTTLS where the admin allowed it for devices that cannot use TLS. The
 * relay enforces it; the host shows a warning wherever such a port appears.
 */
export function allowsClearTextLogin(listener: Pick<ListenerConfig, 'encryption' | 'requireTlsForAuth'>): boolean {
  return listener.encryption === 'none' || (listener.encryption === 'starttls' && !listener.requireTlsForAuth);
}

const KeyAndCertSchema = z.object({ key: z.string().min(1), cert: z.string().min(1) });
/** The certificate, and the ECDSA twin served beside a generated one (OpenSSL picks it for clients that support ECDSA). */
export const TlsConfigSchema = KeyAndCertSchema.extend({ ecdsa: KeyAndCertSchema.optional() });
export type TlsConfig = z.infer<typeof TlsConfigSchema>;

/**
 * Whether a verified domain vouches for an address's domain: the domain
 * itself and its subdomains ("company.com" covers "marketing.company.com",
 * never "evil-company.com"). Both are lower-case ASCII. The relay decides by
 * it who may send, and the host which addresses need no code of their own.
 */
export function domainCovers(domain: string, addressDomain: string): boolean {
  return addressDomain === domain || addressDomain.endsWith(`.${domain}`);
}

export const SenderSchema = z.object({
  kind: z.enum(['domain', 'address']),
  /** Lower-case domain ("company.com") or address ("info@company.com"). */
  value: z.string().min(1),
  /** Only verified senders authorize anything; unverified ones are kept to explain a refusal. */
  verified: z.boolean(),
});
export type Sender = z.infer<typeof SenderSchema>;

export const RelayUserSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  active: z.boolean(),
  /** A password verifier made by ./verifier.ts; the password itself never reaches the relay. */
  verifier: z.string().min(1),
  priority: z.number().int().min(1).max(5),
  list: z.string(),
  senders: z.array(SenderSchema),
  /** IPs or CIDRs of devices that may send as this user without AUTH. */
  trustedClients: z.array(z.string()),
  /** Messages per hour; null for no limit. */
  rateLimitPerHour: z.number().int().positive().nullable(),
});
export type RelayUser = z.infer<typeof RelayUserSchema>;

/**
 * Bounds on one SMTP session (session/session-clock.ts, session/connection-guard.ts).
 * The host sends fixed values (electron/host/relay-defaults.ts says why);
 * tests send small ones.
 */
export const SessionLimitsSchema = z.object({
  /** From connect until AUTH succeeds, or for a trusted device until its first MAIL is accepted. */
  identifyMs: z.number().int().positive(),
  /** From the first byte of a command line to its end: bytes trickled in do not extend it. */
  commandLineMs: z.number().int().positive(),
  /** Waiting for the next command; in DATA, the most time without enough data (see minDataBytesPerSecond). */
  idleMs: z.number().int().positive(),
  /** In DATA, every byte received earns 1/rate s more time, up to idleMs: a slow, steady upload never runs out. */
  minDataBytesPerSecond: z.number().int().positive(),
  /** Commands a client may send before it logs in (AUTH lines included); trusted device addresses are exempt. */
  maxCommandsBeforeAuth: z.number().int().positive(),
});
export type SessionLimits = z.infer<typeof SessionLimitsSchema>;

export const LimitsSchema = z.object({
  maxMessageBytes: z.number().int().positive(),
  maxRecipients: z.number().int().positive(),
  /** Sessions open at once, from all clients together. */
  maxConnections: z.number().int().positive(),
  /** Sessions open at once from one client address. */
  maxConnectionsPerClient: z.number().int().positive(),
  /** Connection attempts from one client address per minute, refused ones included. */
  maxConnectionRatePerClient: z.number().int().positive(),
  session: SessionLimitsSchema,
  /** After this many failed logins from one address within the window, its logins are refused for blockSeconds. */
  authFailures: z.object({
    max: z.number().int().positive(),
    windowSeconds: z.number().positive(),
    blockSeconds: z.number().positive(),
  }),
});
export type Limits = z.infer<typeof LimitsSchema>;

/**
 * How the relay logs in to a smarthost: a password, or an OAuth 2.0 access
 * token the host keeps fresh (SASL OAUTHBEARER or XOAUTH2, shared/sasl-oauth.ts).
 * Only the short-lived access token comes here, never the refresh token.
 */
export const UpstreamAuthSchema = z.union([
  z.object({ user: z.string().min(1), password: z.string() }),
  z.object({ user: z.string().min(1), accessToken: z.string().min(1) }),
]);
export type UpstreamAuth = z.infer<typeof UpstreamAuthSchema>;

export const DeliveryConfigSchema = z.discriminatedUnion('mode', [
  /** A smarthost: the provider's or the company's SMTP server. */
  z.object({
    mode: z.literal('smarthost'),
    host: z.string().min(1),
    port: PortNumber,
    security: z.enum(['none', 'starttls', 'tls']),
    auth: UpstreamAuthSchema.nullable(),
    /** false only for a smarthost with a self-signed certificate the admin chose to trust. */
    rejectUnauthorized: z.boolean(),
  }),
  /** Straight to each recipient domain's MX hosts. */
  z.object({
    mode: z.literal('mx'),
    /** "host:port" resolvers; empty for the system's. */
    dnsServers: z.array(z.string()),
    port: PortNumber,
  }),
]);
export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;

export const RetryConfigSchema = z.object({
  /** Delay before each retry; the last one repeats. */
  delaysMs: z.array(z.number().int().nonnegative()).min(1),
  /** After this long in the queue, a message is bounced. */
  maxLifetimeMs: z.number().int().positive(),
});
export type RetryConfig = z.infer<typeof RetryConfigSchema>;

export const DkimKeySchema = z.object({
  domain: z.string().min(1),
  selector: z.string().min(1),
  privateKey: z.string().min(1),
});
export type DkimKey = z.infer<typeof DkimKeySchema>;

/** Bounds on what a list adds to its messages: enough for any signature block or legal notice, small enough to hold per list. */
export const MAX_DECORATION_TEXT = 16 * 1024;
export const MAX_DECORATION_HTML = 64 * 1024;

/** A header or a footer: its plain-text version for the first text/plain part, its HTML for the first text/html part. */
export const DecorationSchema = z.object({
  on: z.boolean(),
  text: z.string().max(MAX_DECORATION_TEXT),
  html: z.string().max(MAX_DECORATION_HTML),
});
export type Decoration = z.infer<typeof DecorationSchema>;

/**
 * What a list adds to its users' messages (mime/decorate-plan.ts). A list
 * with no header or footer written is not sent: the relay then does nothing
 * for its messages.
 */
export const ListPropertiesSchema = z.object({
  list: z.string(),
  header: DecorationSchema,
  footer: DecorationSchema,
});
export type ListProperties = z.infer<typeof ListPropertiesSchema>;

export const RelayConfigSchema = z.object({
  /** The name the relay greets with and writes in Received headers. */
  hostname: z.string().min(1),
  spoolDir: z.string().min(1),
  listeners: z.array(ListenerConfigSchema),
  tls: TlsConfigSchema.nullable(),
  users: z.array(RelayUserSchema),
  limits: LimitsSchema,
  /** null: no upstream yet; mail waits in the queue. */
  delivery: DeliveryConfigSchema.nullable(),
  retry: RetryConfigSchema,
  dkim: z.array(DkimKeySchema),
  /** Delivery paused by the admin: mail is still accepted and queued, but no attempt starts until resumed. */
  deliveryPaused: z.boolean(),
  /** The lists that have a header or footer written (switched on or not: X-SMTPAPI may ask for it). */
  messageProperties: z.array(ListPropertiesSchema),
});
export type RelayConfig = z.infer<typeof RelayConfigSchema>;
/** The configuration without its users, which the relay keeps only in its user table (session/auth.ts) once applied. */
export type RelaySettings = Omit<RelayConfig, 'users'>;

/** The most acceptances per user a rate history carries: the largest hourly limit the relay enforces from one. */
export const MAX_RATE_HISTORY = 100_000;

export const RateHistorySchema = z.object({ user: RelayUserSchema.shape.name, acceptedAt: z.array(z.number()).max(MAX_RATE_HISTORY) });
export type RateHistory = z.infer<typeof RateHistorySchema>;

/** A queue id as the spool makes them (spool.ts's newQueueId): letters and digits. */
const QueueId = z.string().regex(/^[A-Za-z0-9]{1,64}$/);

/** Host → relay. */
export const ControlMessageSchema = z.discriminatedUnion('type', [
  /** Answered by a 'listeners' or 'config-rejected' event with the same seq. */
  z.object({ type: z.literal('configure'), seq: z.number().int().nonnegative(), config: RelayConfigSchema }),
  /**
   * Changes to some users after a configure: re-sending 10,000 users for each
   * one changed cost more than the API call allows. Acknowledged by a
   * 'users-applied' event with the same seq.
   */
  z.object({
    type: z.literal('users'),
    seq: z.number().int().nonnegative(),
    upsert: z.array(RelayUserSchema),
    remove: z.array(z.string()),
  }),
  /**
   * What the relay's rate limiter counted before it restarted: each limited
   * user's acceptances within the last hour, from the host's message history (epoch
   * ms). Sent after each start.
   */
  z.object({
    type: z.literal('rate-history'),
    users: z.array(RateHistorySchema),
  }),
  z.object({ type: z.literal('stop') }),
  /**
   * The admin's test of a login (troubleshooting): checked like an SMTP AUTH
   * from `client`, counted toward that address's block, nothing sent.
   * Answered by 'login-tested'.
   */
  z.object({
    type: z.literal('test-login'),
    requestId: z.string().min(1).max(100),
    user: z.string().max(320),
    password: z.string().max(1000),
    client: z.union([z.ipv4(), z.ipv6()]),
  }),
  /**
   * The admin's "Retry now": every message waiting for its next attempt is tried at once (the upstream is back, or was fixed).
   * With a requestId it is answered by 'queue-action-done', done naming the messages made due.
   */
  z.object({ type: z.literal('retry-now'), requestId: z.string().min(1).max(100).optional() }),
  /** Pause or resume delivery without a new configuration; the host also records it in the configuration for the next start. */
  z.object({ type: z.literal('pause'), paused: z.boolean() }),
  /** Try these queued messages at once. Answered by 'queue-action-done'. */
  z.object({ type: z.literal('retry'), requestId: z.string().min(1).max(100), ids: z.array(QueueId).max(10_000) }),
  /** Remove these queued messages without delivering them (one in an attempt now is removed when it ends, unless it was delivered). Answered by 'queue-action-done'. */
  z.object({ type: z.literal('delete'), requestId: z.string().min(1).max(100), ids: z.array(QueueId).max(10_000) }),
  /** Mail the host itself sends (verification codes), queued and delivered like any other. */
  z.object({
    type: z.literal('submit'),
    requestId: z.string().min(1).max(100),
    from: z.string().max(320),
    to: z.array(z.string().min(3).max(320)).min(1).max(100),
    content: z.string().max(1024 * 1024),
  }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;
