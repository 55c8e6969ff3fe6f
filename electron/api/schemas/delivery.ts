/** Where accepted mail goes next and how that is going: the Status screen's delivery section and the app bar's chip. */
import { z } from 'zod';
import { NoInput } from './common.js';

export const DeliveryStateSchema = z.object({
  /** The upstream as set on the Server screen. */
  upstream: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('none') }),
    z.object({ mode: z.literal('smarthost'), host: z.string(), port: z.number().int() }),
    z.object({ mode: z.literal('mx'), port: z.number().int() }),
  ]),
  /** The last attempt failed for the time being and mail waits because of it. */
  failing: z.boolean(),
  /** The last message handed on, and the server's answer (null when only the history remembers it, from before a restart). */
  lastDelivery: z.object({ at: z.string(), response: z.string().nullable() }).nullable(),
  /** The last attempt that left mail waiting: the server's answer, or why no answer came (connection refused, TLS, login). */
  lastFailure: z.object({ at: z.string(), error: z.string() }).nullable(),
  /** Messages waiting after a failed attempt. */
  waiting: z.number().int().nonnegative(),
  /** When the first of them is tried again; null when none waits for a time (or one is being tried now). */
  nextAttemptAt: z.string().nullable(),
});
export type DeliveryState = z.infer<typeof DeliveryStateSchema>;

export const deliveryMethods = {
  'delivery.status': { input: NoInput, output: DeliveryStateSchema },
  /** Tries every waiting message again now (the upstream is back, or was fixed); what happens follows as delivery.state events. */
  'delivery.retryNow': { input: NoInput, output: DeliveryStateSchema },
} as const;
