/**
 * The contract between the admin host and the relay child process.
 * Everything that crosses the process boundary is described here with zod
 * and validated on arrival, in both directions.
 */
import { z } from 'zod';

/** Ports an office device may be pointed at: the seed's set plus submission and SMTPS. */
export function isAllowedPort(port: number): boolean {
  return port === 25 || port === 80 || port === 465 || port === 587 || (port >= 1025 && port <= 5000);
}

export const ListenerConfigSchema = z.object({
  port: z.number().int().refine(isAllowedPort, {
    error: 'port must be 25, 80, 465, 587 or between 1025 and 5000',
  }),
  address: z.union([z.ipv4(), z.ipv6()]),
  encryption: z.enum(['none']),
});
export type ListenerConfig = z.infer<typeof ListenerConfigSchema>;

export const UpstreamConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});
export type UpstreamConfig = z.infer<typeof UpstreamConfigSchema>;

export const RelayConfigSchema = z.object({
  hostname: z.string().min(1),
  spoolDir: z.string().min(1),
  maxMessageBytes: z.number().int().positive(),
  listeners: z.array(ListenerConfigSchema),
  upstream: UpstreamConfigSchema.nullable(),
});
export type RelayConfig = z.infer<typeof RelayConfigSchema>;

/** Host → relay. */
export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('configure'), config: RelayConfigSchema }),
  z.object({ type: z.literal('stop') }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

const EnvelopeSchema = z.object({ from: z.string(), to: z.array(z.string()) });

export const ListenerStateSchema = z.object({
  port: z.number().int(),
  address: z.string(),
  encryption: ListenerConfigSchema.shape.encryption,
  status: z.enum(['listening', 'error']),
  /** Plain-words reason a port could not be opened. */
  error: z.string().optional(),
});
export type ListenerState = z.infer<typeof ListenerStateSchema>;

/** Relay → host. */
export const RelayEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('listeners'), listeners: z.array(ListenerStateSchema) }),
  z.object({ type: z.literal('config-rejected'), reason: z.string() }),
  z.object({ type: z.literal('accepted'), id: z.string(), size: z.number(), envelope: EnvelopeSchema }),
  z.object({ type: z.literal('delivered'), id: z.string(), response: z.string() }),
  z.object({ type: z.literal('deferred'), id: z.string(), error: z.string() }),
  z.object({ type: z.literal('queue'), queued: z.number().int() }),
  z.object({ type: z.literal('stopped') }),
]);
export type RelayEvent = z.infer<typeof RelayEventSchema>;
