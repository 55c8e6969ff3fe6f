/**
 * The one API between the admin UI (or CLI) and the host. Every method and
 * event is declared here with zod schemas; the host implements it once and the
 * transports (Electron IPC, loopback HTTP) carry it without adding channels.
 * Namespaces live in ./schemas/. This file and those are shared with the
 * renderer, so they import nothing but zod.
 */
import { z } from 'zod';
import { ErrorCodeSchema, type ErrorCode } from './error-codes.js';
import { AlertHistoryEntrySchema, alertsMethods, AlertRaisedSchema } from './schemas/alerts.js';
import { appMethods, LoginItemViewSchema } from './schemas/app.js';
import { NoInput } from './schemas/common.js';
import { deliveryMethods, DeliveryStateSchema } from './schemas/delivery.js';
import { doctorMethods } from './schemas/doctor.js';
import { logsMethods } from './schemas/logs.js';
import { messagePropertiesMethods } from './schemas/message-properties.js';
import { CountersSchema, MessageRowSchema, messagesMethods } from './schemas/messages.js';
import { oauthMethods, OAuthStatusSchema } from './schemas/oauth.js';
import { queueMethods, QueueStateSchema } from './schemas/queue.js';
import { secretsMethods } from './schemas/secrets.js';
import { sendersMethods } from './schemas/senders.js';
import { serverMethods } from './schemas/server.js';
import { statsMethods } from './schemas/stats.js';
import { usersMethods } from './schemas/users.js';

export const ListenerStateSchema = z.object({
  port: z.number().int(),
  address: z.string(),
  encryption: z.enum(['none', 'starttls', 'starttls-required', 'tls']),
  /** Logins before TLS allowed: passwords cross the network readable. */
  clearTextLogins: z.boolean(),
  status: z.enum(['listening', 'error']),
  error: z.string().optional(),
});
export type ListenerState = z.infer<typeof ListenerStateSchema>;

export const RelayStateSchema = z.object({
  status: z.enum(['starting', 'running', 'restarting', 'stopping', 'stopped']),
  listeners: z.array(ListenerStateSchema),
  queued: z.number().int().nonnegative(),
  /** The last thing that went wrong with the relay process, in plain words. */
  problem: z.string().optional(),
});
export type RelayState = z.infer<typeof RelayStateSchema>;

export const methods = {
  'relay.status': { input: NoInput, output: RelayStateSchema },
  ...usersMethods,
  ...sendersMethods,
  ...serverMethods,
  ...messagesMethods,
  ...statsMethods,
  ...deliveryMethods,
  ...queueMethods,
  ...secretsMethods,
  ...logsMethods,
  ...appMethods,
  ...doctorMethods,
  ...messagePropertiesMethods,
  ...oauthMethods,
  ...alertsMethods,
} as const;

export const events = {
  'relay.state': RelayStateSchema,
  /** A message's row after a change (accepted, an attempt, its outcome). */
  'message.updated': MessageRowSchema,
  /** The send status counters, after each batch of relay events that moved them. */
  'messages.counters': CountersSchema,
  'delivery.state': DeliveryStateSchema,
  'queue.state': QueueStateSchema,
  /** Start at login turned on or off (the desktop app: from its window or its tray). */
  'app.loginItem': LoginItemViewSchema,
  /** The smarthost's OAuth sign-in changed state: signed in, renewed, "sign in again", signed out. */
  'upstream.oauth': OAuthStatusSchema,
  /** An alert for the desktop channel: the desktop app shows it with Electron's Notification, an admin page with the browser's. */
  'alert.raised': AlertRaisedSchema,
  /** An alert's sending recorded in the alert history (the Alerts screen's history, kept current). */
  'alert.sent': AlertHistoryEntrySchema,
} as const;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = z.infer<(typeof methods)[M]['output']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/** What the host implements, once, for every transport. */
export type ApiImplementation = {
  [M in MethodName]: (input: z.infer<(typeof methods)[M]['input']>) => Promise<MethodOutput<M>>;
};

/** Errors cross every transport in this shape: a stable code and a human message. */
export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** For invalid input: which field, so a form can show the message beside it. */
  field: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

export const CallResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);
export type CallResult = z.infer<typeof CallResultSchema>;

export const EventEnvelopeSchema = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelopeSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }
}
