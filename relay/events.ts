/**
 * Relay → host: everything a status page, the message history or an alert
 * needs. Events are sent in batches (one IPC message per tick) so that a busy
 * relay does not pay one IPC round per event. Event payloads never carry
 * passwords, verifiers or keys.
 */
import { z } from 'zod';
import { EncryptionSchema } from './protocol.js';

export const ListenerStateSchema = z.object({
  port: z.number().int(),
  address: z.string(),
  encryption: EncryptionSchema,
  /** Logins before TLS allowed: passwords cross the network readable. */
  clearTextLogins: z.boolean(),
  status: z.enum(['listening', 'error']),
  /** Plain-words reason a port could not be opened. */
  error: z.string().optional(),
});
export type ListenerState = z.infer<typeof ListenerStateSchema>;

const EnvelopeSchema = z.object({ from: z.string(), to: z.array(z.string()) });
const Timestamp = z.string();

export const RelayEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** seq: the configure this answers. */
  z.object({ type: z.literal('listeners'), seq: z.number().int(), listeners: z.array(ListenerStateSchema) }),
  /** seq: the configure refused; none when what failed was no configure (an unreadable message, the queue's load). */
  z.object({ type: z.literal('config-rejected'), seq: z.number().int().optional(), reason: z.string() }),
  /** A 'users' change is in force: the next login, MAIL or connection sees it. */
  z.object({ type: z.literal('users-applied'), seq: z.number().int() }),
  z.object({
    type: z.literal('session-opened'),
    session: z.string(),
    remoteAddress: z.string(),
    port: z.number().int(),
    tls: z.boolean(),
  }),
  z.object({ type: z.literal('session-closed'), session: z.string() }),
  z.object({
    type: z.literal('auth'),
    session: z.string(),
    remoteAddress: z.string(),
    user: z.string(),
    ok: z.boolean(),
    reason: z.string().optional(),
  }),
  z.object({ type: z.literal('auth-blocked'), remoteAddress: z.string(), until: Timestamp }),
  z.object({
    type: z.literal('accepted'),
    id: z.string(),
    session: z.string(),
    user: z.string(),
    /** How the client was identified: by AUTH, or by a trusted address. */
    via: z.enum(['auth', 'trusted']),
    /** The user's list at acceptance: statistics and message properties are per list. */
    list: z.string(),
    envelope: EnvelopeSchema,
    from: z.string(),
    /** The display name of the From mailbox ('' when it has none), for statistics by sender name. */
    fromName: z.string(),
    subject: z.string(),
    size: z.number().int(),
    tls: z.boolean(),
    priority: z.number().int(),
    campaign: z.object({ name: z.string().optional(), code: z.string().optional() }).nullable(),
    /** Header fields the relay added or rewrote (Received, Message-ID, X-Priority, ...), as "Name: value" lines; DKIM-Signature is added at each delivery and reported by 'attempt'. */
    addedHeaders: z.array(z.string()),
  }),
  z.object({
    type: z.literal('rejected'),
    session: z.string(),
    remoteAddress: z.string(),
    user: z.string().nullable(),
    /** timeout: a session time limit; commands: too many before AUTH; evicted: closed to make room for another address. */
    stage: z.enum(['connect', 'auth', 'mail', 'rcpt', 'data', 'timeout', 'commands', 'evicted']),
    code: z.number().int(),
    reply: z.string(),
    /** The envelope given so far in the refused transaction (null before MAIL FROM). */
    envelope: EnvelopeSchema.nullable(),
  }),
  /** A delivery attempt of this message has begun. */
  z.object({ type: z.literal('sending'), id: z.string() }),
  /**
   * One delivery attempt finished: where it went and what each recipient got.
   * Sent before the summary 'delivered' / 'deferred' / 'bounced' events of the same attempt.
   */
  z.object({
    type: z.literal('attempt'),
    id: z.string(),
    startedAt: Timestamp,
    durationMs: z.number().int().nonnegative(),
    /** The server tried ("smtp.example.com:587", "mx1.example.org:25"); null when none was reached (no upstream, DNS failure). */
    remoteHost: z.string().nullable(),
    results: z.array(
      z.object({
        recipient: z.string(),
        status: z.enum(['delivered', 'deferred', 'failed']),
        code: z.number().int().optional(),
        response: z.string(),
      }),
    ),
  }),
  /** The admin deleted a queued message: it is gone from the queue and never delivered; no bounce is sent. */
  z.object({ type: z.literal('deleted'), id: z.string(), recipients: z.array(z.string()) }),
  /** The answer to a 'retry' or 'delete' control message: which of its ids were acted on, and which the queue does not hold. */
  z.object({ type: z.literal('queue-action-done'), requestId: z.string(), done: z.array(z.string()), missing: z.array(z.string()) }),
  z.object({ type: z.literal('delivered'), id: z.string(), recipients: z.array(z.string()), response: z.string() }),
  z.object({
    type: z.literal('deferred'),
    id: z.string(),
    recipients: z.array(z.string()),
    error: z.string(),
    attempts: z.number().int(),
    nextAttemptAt: Timestamp,
  }),
  z.object({
    type: z.literal('bounced'),
    id: z.string(),
    recipients: z.array(z.string()),
    reason: z.string(),
    /** The queue id of the bounce sent to the sender; null when there is no one to tell (null sender). */
    bounceId: z.string().nullable(),
  }),
  /** What the queue holds: every message, those tried at least once, when the soonest waiting one is tried again (null: none waits), and whether delivery is paused. */
  z.object({
    type: z.literal('queue'),
    queued: z.number().int(),
    deferred: z.number().int(),
    nextAttemptAt: Timestamp.nullable(),
    paused: z.boolean(),
  }),
  z.object({
    type: z.literal('queue-snapshot'),
    messages: z.array(
      z.object({
        id: z.string(),
        user: z.string(),
        envelope: EnvelopeSchema,
        from: z.string(),
        subject: z.string(),
        acceptedAt: Timestamp,
        attempts: z.number().int(),
      }),
    ),
  }),
  z.object({ type: z.literal('submitted'), requestId: z.string(), id: z.string() }),
  /** The answer to 'test-login'; blockedUntil: the end of the client address's block, already on or started by this failure. */
  z.object({
    type: z.literal('login-tested'),
    requestId: z.string(),
    result: z.enum(['ok', 'unknown-user', 'wrong-password', 'inactive', 'blocked']),
    blockedUntil: Timestamp.nullable(),
  }),
  z.object({ type: z.literal('submit-failed'), requestId: z.string(), reason: z.string() }),
  /** Queue files that could not be read at start, kept aside rather than lost or fatal. */
  z.object({ type: z.literal('spool-set-aside'), files: z.array(z.object({ file: z.string(), reason: z.string() })) }),
  /** The smarthost refused the OAuth access token (535 to AUTH): the host refreshes it once. Only its SHA-256 is carried, never the token. */
  z.object({ type: z.literal('upstream-token-refused'), tokenSha256: z.string(), reply: z.string() }),
  z.object({ type: z.literal('stopped') }),
]);
export type RelayEvent = z.infer<typeof RelayEventSchema>;

/** One IPC message from the relay: the events of one tick, in order. */
export const RelayBatchSchema = z.object({ events: z.array(RelayEventSchema) });
export type RelayBatch = z.infer<typeof RelayBatchSchema>;
