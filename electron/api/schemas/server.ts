/** The relay's ports, certificate, limits and upstream. */
import { z } from 'zod';
import { NoInput } from './common.js';

const Encryption = z.enum(['none', 'starttls', 'starttls-required', 'tls']);

export const ServerViewSchema = z.object({
  /** What a mail client needs: this machine's names and addresses. */
  hostname: z.string(),
  lanAddresses: z.array(z.string()),
  listenAddress: z.string(),
  listeners: z.array(
    z.object({
      port: z.number().int(),
      encryption: Encryption,
      requireTlsForAuth: z.boolean(),
      /** Logins before TLS allowed: passwords cross the network readable. */
      clearTextLogins: z.boolean(),
    }),
  ),
  tls: z
    .object({
      source: z.enum(['generated', 'imported']),
      /** SHA-256 of the certificate (the RSA one when there are two). */
      fingerprint: z.string(),
      /** SHA-256 of the ECDSA twin served beside a generated certificate; null when there is none. */
      ecdsaFingerprint: z.string().nullable(),
      /** The keys offered, e.g. ["RSA-2048", "ECDSA P-256"]: clients that support ECDSA get that one. */
      algorithms: z.array(z.string()),
      names: z.array(z.string()),
      notBefore: z.string(),
      notAfter: z.string(),
    })
    .nullable(),
  limits: z.object({
    maxMessageBytes: z.number().int(),
    maxRecipients: z.number().int(),
    /** Sessions at once, from all clients together. */
    maxConnections: z.number().int(),
    /** Sessions at once from one client address. */
    maxConnectionsPerClient: z.number().int(),
    /** Connection attempts per minute from one client address. */
    maxConnectionRatePerClient: z.number().int(),
  }),
});
export type ServerView = z.infer<typeof ServerViewSchema>;

export const UpstreamOAuthViewSchema = z.object({
  preset: z.enum(['microsoft365', 'google', 'custom']),
  flow: z.enum(['browser', 'device', 'app']),
  tenant: z.string(),
  clientId: z.string(),
  endpoints: z.object({ authorization: z.string().nullable(), token: z.string(), device: z.string().nullable() }),
  scope: z.string(),
  /** Whether an app-only credential (client secret or certificate) is stored; it never leaves the host. */
  hasClientCredential: z.boolean(),
});

export const UpstreamViewSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  z.object({
    mode: z.literal('smarthost'),
    host: z.string(),
    port: z.number().int(),
    security: z.enum(['none', 'starttls', 'tls']),
    user: z.string().nullable(),
    /** Whether a password is stored; the password itself never leaves the host. */
    hasPassword: z.boolean(),
    rejectUnauthorized: z.boolean(),
    /** Set when the smarthost login is OAuth 2.0 instead of a password; its state is upstream.oauthStatus. */
    oauth: UpstreamOAuthViewSchema.nullable(),
  }),
  z.object({ mode: z.literal('mx'), port: z.number().int() }),
]);
export type UpstreamView = z.infer<typeof UpstreamViewSchema>;

const Port = z.number().int().min(1).max(65535);

const SmarthostInput = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: Port,
    security: z.enum(['none', 'starttls', 'tls']),
    user: z.string().max(320).nullable().optional(),
    /** Omitted: keep the stored password. null: remove it. */
    password: z.string().max(1000).nullable().optional(),
    rejectUnauthorized: z.boolean().optional(),
  })
  .strict();

/** The bounds of server.setLimits, shared with the form that checks them as the admin types. */
export const LIMIT_BOUNDS = {
  messageBytes: { min: 1024, max: 200 * 1024 * 1024 },
  count: { min: 1, max: 10_000 },
  perMinute: { min: 1, max: 1_000_000 },
} as const;

const Count = z.number().int().min(LIMIT_BOUNDS.count.min).max(LIMIT_BOUNDS.count.max);

export const serverMethods = {
  'server.get': { input: NoInput, output: ServerViewSchema },
  /** Adds a port or changes one; with `create`, only adds: a port already set up is refused (listener_exists). */
  'server.setListener': {
    input: z.object({ port: Port, encryption: Encryption, requireTlsForAuth: z.boolean().optional(), create: z.boolean().optional() }).strict(),
    output: ServerViewSchema,
  },
  'server.removeListener': { input: z.object({ port: Port }).strict(), output: ServerViewSchema },
  'server.setLimits': {
    input: z
      .object({
        maxMessageBytes: z.number().int().min(LIMIT_BOUNDS.messageBytes.min).max(LIMIT_BOUNDS.messageBytes.max).optional(),
        maxRecipients: Count.optional(),
        maxConnections: Count.optional(),
        maxConnectionsPerClient: Count.optional(),
        maxConnectionRatePerClient: z.number().int().min(LIMIT_BOUNDS.perMinute.min).max(LIMIT_BOUNDS.perMinute.max).optional(),
      })
      .strict(),
    output: ServerViewSchema,
  },
  'server.regenerateCertificate': { input: NoInput, output: ServerViewSchema },
  'server.importCertificate': {
    input: z.object({ cert: z.string().max(100_000), key: z.string().max(100_000) }).strict(),
    output: ServerViewSchema,
  },
  'upstream.get': { input: NoInput, output: UpstreamViewSchema },
  'upstream.setSmarthost': { input: SmarthostInput, output: UpstreamViewSchema },
  'upstream.setDirect': { input: z.object({ port: Port.optional() }).strict(), output: UpstreamViewSchema },
  /** Tests the stored upstream, or these smarthost settings (as setSmarthost takes them) without saving them. */
  'upstream.test': {
    input: z.object({ smarthost: SmarthostInput.optional() }).strict(),
    output: z.object({ ok: z.boolean(), response: z.string() }),
  },
} as const;
