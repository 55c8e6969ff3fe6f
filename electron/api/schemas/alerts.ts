/**
 * The alert center (MailUp's "Set and customize the notifications sent by
 * the SMTP+ feature"): which happenings raise an alert (rules, each on or off
 * with its threshold, overridable per list), where alerts go (channels:
 * desktop, email to admins, a signed webhook), how often (at once or in an
 * hourly or daily digest), and what was sent (the history).
 */
import { z } from 'zod';
import { ListName } from './users.js';

export const ALERT_KINDS = ['user-blocked', 'sender-refused', 'message-bounced', 'delivery-problem', 'certificate-expiring', 'relay-down'] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

/** What a kind's threshold counts; kinds without one have none. */
export const THRESHOLD_UNITS: Partial<Record<AlertKind, string>> = {
  'user-blocked': 'failed logins from one address in 10 minutes',
  'delivery-problem': 'minutes deferred',
  'certificate-expiring': 'days before expiry',
};

export const AlertRuleSchema = z.object({
  kind: AlertKindSchema,
  /** null: every list that has no rule of its own for this kind (and what has no list: the certificate, the relay, the upstream). */
  list: z.string().nullable(),
  on: z.boolean(),
  /** user-blocked: failed logins from one client address within 10 minutes; delivery-problem: minutes a message may stay deferred; certificate-expiring: days before expiry. */
  threshold: z.number().int().positive().nullable(),
  /** delivery-problem only: queued messages above which the queue is a problem. */
  queueThreshold: z.number().int().positive().nullable(),
});
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const FREQUENCIES = ['immediate', 'hourly', 'daily'] as const;
export const FrequencySchema = z.enum(FREQUENCIES);
export type Frequency = z.infer<typeof FrequencySchema>;

const ChannelCommon = { id: z.string(), frequency: FrequencySchema, addedAt: z.string() };
export const AlertChannelSchema = z.discriminatedUnion('type', [
  z.object({ ...ChannelCommon, type: z.literal('desktop') }),
  z.object({ ...ChannelCommon, type: z.literal('email'), to: z.array(z.string()).min(1), from: z.string() }),
  /** The signing secret is in the vault, never here. */
  z.object({ ...ChannelCommon, type: z.literal('webhook'), url: z.string(), deliveryEvents: z.boolean() }),
]);
export type AlertChannel = z.infer<typeof AlertChannelSchema>;

export const AlertsViewSchema = z.object({
  rules: z.array(AlertRuleSchema),
  channels: z.array(AlertChannelSchema),
  /** Addresses an email channel may send from: verified senders. */
  fromChoices: z.array(z.string()),
});
export type AlertsView = z.infer<typeof AlertsViewSchema>;

export const AlertHistoryEntrySchema = z.object({
  at: z.string(),
  kind: z.union([AlertKindSchema, z.literal('test'), z.literal('digest')]),
  title: z.string(),
  channel: z.string(),
  channelType: z.enum(['desktop', 'email', 'webhook']),
  delivered: z.boolean(),
  /** Why not, or how (the queue id of an email, the webhook's HTTP status). */
  detail: z.string(),
  /** The message the alert is about, for a link to the Messages screen. */
  messageId: z.string().nullable(),
});
export type AlertHistoryEntry = z.infer<typeof AlertHistoryEntrySchema>;

/** One alert as the desktop channel shows it (Electron's Notification, or the browser's). */
export const AlertRaisedSchema = z.object({
  kind: z.union([AlertKindSchema, z.literal('test'), z.literal('digest')]),
  title: z.string(),
  body: z.string(),
  messageId: z.string().nullable(),
});
export type AlertRaised = z.infer<typeof AlertRaisedSchema>;

const Url = z.string().trim().min(1).max(2000);
const Address = z.string().trim().min(3).max(320);

const ChannelAddSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('desktop'), frequency: FrequencySchema.default('immediate') }).strict(),
  z.object({ type: z.literal('email'), to: z.array(Address).min(1).max(20), from: Address, frequency: FrequencySchema.default('immediate') }).strict(),
  z.object({ type: z.literal('webhook'), url: Url, deliveryEvents: z.boolean().default(false), frequency: FrequencySchema.default('immediate') }).strict(),
]);

export const alertsMethods = {
  'alerts.get': { input: z.object({}).strict(), output: AlertsViewSchema },
  /** Sets a kind's rule for every list (no list) or one list's own. */
  'alerts.rule.set': {
    input: z
      .object({
        kind: AlertKindSchema,
        list: ListName.optional(),
        on: z.boolean(),
        threshold: z.number().int().positive().max(100_000).optional(),
        queueThreshold: z.number().int().positive().max(10_000_000).optional(),
      })
      .strict(),
    output: AlertsViewSchema,
  },
  /** A webhook's signing secret is in the answer once, and never again. */
  'alerts.channel.add': {
    input: ChannelAddSchema,
    output: z.object({ channel: AlertChannelSchema, secret: z.string().nullable() }),
  },
  'alerts.channel.remove': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: AlertsViewSchema },
  /** A test alert through one channel, or all: each answered with whether it went out and, if not, why. */
  'alerts.test': {
    input: z.object({ id: z.string().min(1).max(100).optional() }).strict(),
    output: z.object({ results: z.array(AlertHistoryEntrySchema) }),
  },
  /** The alerts sent, newest first. */
  'alerts.history': {
    input: z.object({ limit: z.number().int().positive().max(1000).optional() }).strict(),
    output: z.object({ entries: z.array(AlertHistoryEntrySchema) }),
  },
} as const;
