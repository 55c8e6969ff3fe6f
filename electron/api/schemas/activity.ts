/** What happened to every message: the send status page's data. */
import { z } from 'zod';

export const MessageRecordSchema = z.object({
  id: z.string(),
  user: z.string(),
  from: z.string(),
  envelopeFrom: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  status: z.enum(['queued', 'deferred', 'delivered', 'bounced', 'unknown']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  size: z.number().int().nullable(),
  tls: z.boolean().nullable(),
  campaign: z.object({ name: z.string().optional(), code: z.string().optional() }).nullable(),
  acceptedAt: z.string(),
  updatedAt: z.string(),
});
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

export const RefusalRecordSchema = z.object({
  at: z.string(),
  remoteAddress: z.string(),
  user: z.string().nullable(),
  stage: z.string(),
  reply: z.string(),
});
export type RefusalRecord = z.infer<typeof RefusalRecordSchema>;

export const activityMethods = {
  'activity.list': {
    input: z
      .object({
        limit: z.number().int().min(1).max(1000).optional(),
        status: MessageRecordSchema.shape.status.optional(),
        user: z.string().max(64).optional(),
      })
      .strict(),
    output: z.object({
      messages: z.array(MessageRecordSchema),
      refusals: z.array(RefusalRecordSchema),
      counts: z.object({ queued: z.number().int(), deferred: z.number().int(), deliveredToday: z.number().int(), bouncedToday: z.number().int() }),
    }),
  },
} as const;
