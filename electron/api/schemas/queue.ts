/** Queue control: pause and resume delivery, retry and delete queued messages. */
import { z } from 'zod';
import { NoInput } from './common.js';

export const QueueStateSchema = z.object({
  /** Delivery paused by the admin: mail is accepted and queued, nothing is sent. Kept across restarts. */
  paused: z.boolean(),
  queued: z.number().int().nonnegative(),
  deferred: z.number().int().nonnegative(),
});
export type QueueState = z.infer<typeof QueueStateSchema>;

const Ids = z.array(z.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: 'not a queue id' })).min(1).max(10_000);

/** Which of the given ids were acted on, and which the queue no longer holds (already delivered, bounced or deleted). */
export const QueueActionResultSchema = z.object({ done: z.array(z.string()), missing: z.array(z.string()) });

export const queueMethods = {
  'queue.status': { input: NoInput, output: QueueStateSchema },
  'queue.pause': { input: NoInput, output: QueueStateSchema },
  'queue.resume': { input: NoInput, output: QueueStateSchema },
  /** Try now: the given messages, or every deferred one. */
  'queue.retry': {
    input: z.union([z.object({ ids: Ids }).strict(), z.object({ allDeferred: z.literal(true) }).strict()]),
    output: QueueActionResultSchema,
  },
  /** Remove queued or deferred messages without delivering them. The senders get no bounce: the admin chose to drop them. */
  'queue.delete': { input: z.object({ ids: Ids }).strict(), output: QueueActionResultSchema },
} as const;
