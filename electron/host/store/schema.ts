/**
 * The settings store: everything the admin configures, and nothing secret.
 * Passwords, verifiers and keys live in the vault (../vault.ts), whose key
 * and the admin token are in the OS keychain or a key file
 * (../secret-storage.ts); this file may be read by anyone who can read the
 * data folder.
 */
import { z } from 'zod';
import { AlertChannelSchema, AlertRuleSchema, type AlertRule } from '../../api/schemas/alerts.js';
import { MessagePropertiesSchema, type Decoration, type MessageProperties } from '../../api/schemas/message-properties.js';
import { AggregationSchema, type Aggregation } from '../../api/schemas/stats.js';

export const STORE_VERSION = 6;

const Timestamp = z.string();

export const DEFAULT_AGGREGATION: Aggregation = { mode: 'time', unit: 'day' };

/** A fresh install's message properties: nothing written, nothing added. */
export function noMessageProperties(): MessageProperties {
  return { header: { on: false, text: '', html: '' }, footer: { on: false, text: '', html: '' } };
}

/** Whether a header or footer has a text or HTML version: then X-SMTPAPI may ask for it even while it is off. */
export function hasWrittenProperties(properties: MessageProperties): boolean {
  const written = (d: Decoration) => d.text !== '' || d.html !== '';
  return written(properties.header) || written(properties.footer);
}

/** The alert rules of a fresh install: every kind on, 5 failed logins from one address, a message deferred 30 minutes, a queue over 100, a certificate 14 days from expiry. */
export function defaultAlertRules(): AlertRule[] {
  const rule = (kind: AlertRule['kind'], threshold: number | null = null, queueThreshold: number | null = null): AlertRule => ({ kind, list: null, on: true, threshold, queueThreshold });
  return [
    rule('user-blocked', 5),
    rule('sender-refused'),
    rule('message-bounced'),
    rule('delivery-problem', 30, 100),
    rule('certificate-expiring', 14),
    rule('relay-down'),
  ];
}

export const ListSchema = z.object({
  name: z.string().min(1).max(100),
  createdAt: Timestamp,
  /** How statistics group this list's messages. A default, not a version change: lists from before it get it as they are read. */
  aggregation: AggregationSchema.default(DEFAULT_AGGREGATION),
  /** The header and footer the relay adds to the list's messages; since version 5. */
  messageProperties: MessagePropertiesSchema,
});

export const UserSchema = z.object({
  /** s<accountId>_<n>; n is never reused. */
  name: z.string(),
  list: z.string(),
  active: z.boolean(),
  priority: z.number().int().min(1).max(5),
  note: z.string().max(1000),
  domains: z.array(z.string()),
  addresses: z.array(z.string()),
  trustedClients: z.array(z.string()),
  rateLimitPerHour: z.number().int().positive().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type StoredUser = z.infer<typeof UserSchema>;

export const SenderDomainSchema = z.object({
  domain: z.string(),
  /** Published as a TXT record to prove the admin controls the domain. */
  token: z.string(),
  status: z.enum(['pending', 'verified']),
  addedAt: Timestamp,
  verifiedAt: Timestamp.nullable(),
  method: z.literal('dns-txt').nullable(),
  /** DKIM selector of the domain's key (the private key is in the keychain). */
  dkimSelector: z.string().nullable(),
  dkimPublicKey: z.string().nullable(),
  /**
   * A second, Ed25519 key (RFC 8463) the admin may turn on beside the RSA one;
   * its private half is in the keychain too. Absent from files written before
   * it existed: read as off.
   */
  dkimEd25519: z.object({ selector: z.string(), publicKey: z.string() }).nullable().default(null),
  lastCheck: z.object({ at: Timestamp, result: z.string() }).nullable(),
});
export type SenderDomain = z.infer<typeof SenderDomainSchema>;

export const SenderAddressSchema = z.object({
  address: z.string(),
  status: z.enum(['pending', 'verified']),
  addedAt: Timestamp,
  verifiedAt: Timestamp.nullable(),
  method: z.literal('email-code').nullable(),
  codeSentAt: Timestamp.nullable(),
});
export type SenderAddress = z.infer<typeof SenderAddressSchema>;

export const ListenerSchema = z.object({
  port: z.number().int(),
  encryption: z.enum(['none', 'starttls', 'starttls-required', 'tls']),
  requireTlsForAuth: z.boolean(),
});

/** Where the vault key and the admin token are kept: the OS keychain, or key files in the data folder. */
export const SECRETS_MODES = ['keychain', 'file'] as const;
export type SecretsMode = (typeof SECRETS_MODES)[number];

/**
 * How the smarthost login gets its OAuth 2.0 tokens (../oauth/): the
 * provider's endpoints, the app registration and scope, and the grant. The
 * refresh token and the client secret are in the vault; access tokens only
 * in memory.
 */
export const UpstreamOAuthSchema = z.object({
  preset: z.enum(['microsoft365', 'google', 'custom']),
  /** browser: code + PKCE with a loopback redirect; device: RFC 8628; app: client credentials (app-only). */
  flow: z.enum(['browser', 'device', 'app']),
  /** Microsoft's tenant id or domain, or 'common'; '' for the others. */
  tenant: z.string(),
  clientId: z.string().min(1),
  endpoints: z.object({ authorization: z.string().nullable(), token: z.string().min(1), device: z.string().nullable() }),
  scope: z.string().min(1),
  /** The account the last sign-in was for, as the provider named it; null before one. */
  account: z.string().nullable(),
});

export const StoreSchema = z.object({
  version: z.literal(STORE_VERSION),
  /** Generated once per installation; part of every SMTP user name. */
  accountId: z.string().regex(/^\d{6}$/),
  /** Namespaces this installation's keychain entries. */
  installationId: z.string().min(8),
  nextUserNumber: z.number().int().nonnegative(),
  lists: z.array(ListSchema),
  /** What a new list's message properties start as; since version 5. */
  messagePropertiesDefault: MessagePropertiesSchema,
  // SMTP users are in their own file (./users-file.ts) since version 3.
  senders: z.object({
    domains: z.array(SenderDomainSchema),
    addresses: z.array(SenderAddressSchema),
    /** The address verification codes are mailed from, as the admin chose it; null: the default (senders/code-from.ts). Added after version 3, hence the default. */
    codeFrom: z.string().nullable().default(null),
  }),
  server: z.object({
    listenAddress: z.string(),
    listeners: z.array(ListenerSchema),
    /**
     * The certificate is public; its key is in the vault. A generated one has
     * an ECDSA twin (its key in the vault too); added after version 6, hence
     * the default.
     */
    tls: z.object({ source: z.enum(['generated', 'imported']), cert: z.string(), ecdsaCert: z.string().nullable().default(null) }).nullable(),
    limits: z.object({
      maxMessageBytes: z.number().int().positive(),
      maxRecipients: z.number().int().positive(),
      maxConnections: z.number().int().positive(),
      /** Since version 4. */
      maxConnectionsPerClient: z.number().int().positive(),
      /** Connection attempts per minute; since version 4. */
      maxConnectionRatePerClient: z.number().int().positive(),
    }),
  }),
  upstream: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('none') }),
    z.object({
      mode: z.literal('smarthost'),
      host: z.string(),
      port: z.number().int(),
      security: z.enum(['none', 'starttls', 'tls']),
      user: z.string().nullable(),
      rejectUnauthorized: z.boolean(),
      /** OAuth 2.0 instead of the password (then `user` is the mailbox the tokens are for). A default, not a version change: older settings read as null. */
      oauth: UpstreamOAuthSchema.nullable().default(null),
    }),
    z.object({ mode: z.literal('mx'), port: z.number().int() }),
  ]),
  dnsServers: z.array(z.string()),
  /** The admin paused delivery (mail is still accepted and queued); kept across restarts. Absent in older settings: not paused. */
  deliveryPaused: z.boolean().default(false),
  /** The message history: how many days finished messages and refusals are kept. A default, not a version change: older settings get it as they are read. */
  history: z.object({ retentionDays: z.number().int().min(1).max(3650) }).default({ retentionDays: 30 }),
  /** The alert center: rules and channels (webhook secrets are in the vault); since version 6. */
  alerts: z.object({ rules: z.array(AlertRuleSchema), channels: z.array(AlertChannelSchema) }),
  /**
   * Chosen at the first start and changed only by `relay-desk secrets
   * migrate`. Absent until then (and in settings from before it existed,
   * whose key is in the keychain if they have a vault): no version change.
   */
  secrets: z.enum(SECRETS_MODES).optional(),
});
export type StoreData = z.infer<typeof StoreSchema>;
export type UpstreamOAuth = z.infer<typeof UpstreamOAuthSchema>;
