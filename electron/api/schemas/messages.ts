/**
 * Send status: every message's fate and every refused attempt, from the
 * host's message history (electron/host/history/). Rows are paged by the
 * host; the same filter serves the grid, the counters' links, the CSV export
 * and the CLI.
 */
import { z } from 'zod';
import { NoInput } from './common.js';
import { GroupBySchema } from './stats.js';

export const MessageStatusSchema = z.enum([
  'queued',
  'sending',
  'deferred',
  'delivered',
  'partly-delivered',
  'bounced',
  'deleted',
  /** The relay finished with it while its outcome could not be recorded (a crash). */
  'unknown',
]);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const RecipientStatusSchema = z.enum(['pending', 'delivered', 'deferred', 'bounced', 'deleted']);

export const RecipientViewSchema = z.object({
  address: z.string(),
  status: RecipientStatusSchema,
  /** The last server answer about this recipient; null before any attempt. */
  reply: z.string().nullable(),
  updatedAt: z.string(),
});
export type RecipientView = z.infer<typeof RecipientViewSchema>;

export const MessageRowSchema = z.object({
  id: z.string(),
  acceptedAt: z.string(),
  list: z.string(),
  user: z.string(),
  envelopeFrom: z.string(),
  from: z.string(),
  fromName: z.string(),
  subject: z.string(),
  recipients: z.number().int(),
  size: z.number().int().nullable(),
  tls: z.boolean().nullable(),
  priority: z.number().int().nullable(),
  campaignCode: z.string().nullable(),
  campaignName: z.string().nullable(),
  status: MessageStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  /** The last server answer (or why none came), whatever the status. */
  lastReply: z.string().nullable(),
  updatedAt: z.string(),
});
export type MessageRow = z.infer<typeof MessageRowSchema>;

export const AttemptViewSchema = z.object({
  startedAt: z.string(),
  durationMs: z.number().int(),
  remoteHost: z.string().nullable(),
  results: z.array(
    z.object({ recipient: z.string(), status: z.enum(['delivered', 'deferred', 'failed']), code: z.number().int().nullable(), response: z.string() }),
  ),
});

export const MessageDetailSchema = MessageRowSchema.extend({
  recipientList: z.array(RecipientViewSchema),
  attempts: z.number().int(),
  attemptList: z.array(AttemptViewSchema),
  /** Header fields the relay added or rewrote, as "Name: value" lines. */
  addedHeaders: z.array(z.string()),
  /** The bounce sent to the sender, if any: its queue id (null when there was no one to tell) and why. */
  bounce: z.object({ id: z.string().nullable(), reason: z.string(), at: z.string() }).nullable(),
});
export type MessageDetail = z.infer<typeof MessageDetailSchema>;

const Text = z.string().max(320);
const Time = z.iso.datetime({ offset: true });

export const MessageFilterSchema = z
  .object({
    status: z.array(MessageStatusSchema).max(8).optional(),
    list: Text.optional(),
    user: Text.optional(),
    /** Envelope sender or From address, whole or its domain ("@company.com"). */
    sender: Text.optional(),
    /** Subject, any recipient, or queue id, case-insensitive, anywhere in them; at least 3 characters (a trigram index answers it). A whole address finds the messages to that recipient. */
    search: z.string().min(3).max(320).optional(),
    /** Accepted at or after / before these times. */
    since: Time.optional(),
    until: Time.optional(),
    /** A statistics group ("open the Messages screen filtered to that group"): the list's mode and the group's key. */
    group: z.object({ list: Text, by: GroupBySchema, key: z.string().max(1000) }).strict().optional(),
  })
  .strict();
export type MessageFilter = z.infer<typeof MessageFilterSchema>;

export const MessageSortSchema = z.enum(['acceptedAt-desc', 'acceptedAt-asc', 'status-asc', 'status-desc']);

export const RefusalRowSchema = z.object({
  at: z.string(),
  remoteAddress: z.string(),
  user: z.string().nullable(),
  stage: z.string(),
  envelopeFrom: z.string().nullable(),
  recipients: z.array(z.string()),
  code: z.number().int(),
  reply: z.string(),
});
export type RefusalRow = z.infer<typeof RefusalRowSchema>;

export const RefusalFilterSchema = z
  .object({
    user: Text.optional(),
    remoteAddress: Text.optional(),
    /** Reply text, envelope sender or recipient. */
    search: Text.optional(),
    since: Time.optional(),
    until: Time.optional(),
  })
  .strict();

export const CountersSchema = z.object({
  /** Local midnight the "today" counters start at. */
  since: z.string(),
  sentToday: z.number().int(),
  queued: z.number().int(),
  deferred: z.number().int(),
  bouncedToday: z.number().int(),
  refusedToday: z.number().int(),
});
export type Counters = z.infer<typeof CountersSchema>;

/** Opaque: where the next chunk of a long listing starts. */
const Cursor = z.string().max(200);

export const messagesMethods = {
  'messages.list': {
    input: z
      .object({
        filter: MessageFilterSchema.default({}),
        sort: MessageSortSchema.default('acceptedAt-desc'),
        page: z.number().int().min(0).max(100_000).default(0),
        pageSize: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    /** total is exact up to 10,000 matches; past that, totalIsLowerBound. */
    output: z.object({ rows: z.array(MessageRowSchema), total: z.number().int(), totalIsLowerBound: z.boolean() }),
  },
  'messages.get': { input: z.object({ id: z.string().max(64) }).strict(), output: MessageDetailSchema },
  'messages.counters': { input: NoInput, output: CountersSchema },
  'messages.refusals': {
    input: z
      .object({
        filter: RefusalFilterSchema.default({}),
        page: z.number().int().min(0).max(100_000).default(0),
        pageSize: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    output: z.object({ rows: z.array(RefusalRowSchema), total: z.number().int(), totalIsLowerBound: z.boolean() }),
  },
  /**
   * The filtered messages as CSV, newest first, in chunks: call again with the
   * returned cursor until it is null. The first chunk starts with the header row.
   */
  'messages.exportCsv': {
    input: z.object({ filter: MessageFilterSchema.default({}), cursor: Cursor.nullable().default(null) }).strict(),
    output: z.object({ csv: z.string(), rows: z.number().int(), cursor: Cursor.nullable() }),
  },
} as const;
