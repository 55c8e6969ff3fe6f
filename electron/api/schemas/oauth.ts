/**
 * The smarthost's OAuth 2.0 sign-in (Microsoft 365, Google, or any provider):
 * its settings, the sign-in flows and their state. No token or secret ever
 * goes out: a client secret comes in once and stays in the host's vault.
 */
import { z } from 'zod';
import { NoInput } from './common.js';

const Preset = z.enum(['microsoft365', 'google', 'custom']);
const Flow = z.enum(['browser', 'device', 'app']);

export const OAuthStatusSchema = z.object({
  /** signed-in: mail goes; sign-in-again: the provider ended the grant, mail waits in the queue until the admin signs in. */
  state: z.enum(['not-configured', 'signed-out', 'signed-in', 'sign-in-again']),
  preset: Preset.nullable(),
  flow: Flow.nullable(),
  /** The mailbox the relay sends as. */
  user: z.string().nullable(),
  /** The account the provider named at the last sign-in. */
  account: z.string().nullable(),
  /** The access token's expiry (ISO), while there is one. */
  expiresAt: z.string().nullable(),
  problem: z.string().nullable(),
});
export type OAuthStatus = z.infer<typeof OAuthStatusSchema>;

export const SetOAuthInput = z
  .object({
    preset: Preset,
    flow: Flow,
    /** Microsoft 365: the tenant id or domain; 'common' when absent. */
    tenant: z.string().max(200).optional(),
    clientId: z.string().min(1).max(200),
    /** The app-only grant's secret, or a confidential app's; kept in the vault. Absent: the stored one is kept. */
    clientSecret: z.string().min(1).max(2000).optional(),
    /** Microsoft 365 app-only: a certificate credential (RFC 7523 client assertion) instead of a secret; kept in the vault. */
    clientCertificate: z.object({ certificate: z.string().min(1).max(20_000), privateKey: z.string().min(1).max(20_000) }).strict().optional(),
    /** The mailbox the relay sends as (the one signed in, or the one an app-only token may send as). */
    user: z.string().min(3).max(320),
    /** custom only: the SMTP server and the provider's endpoints and scope. */
    smtp: z.object({ host: z.string().min(1).max(253), port: z.number().int().min(1).max(65535), security: z.enum(['none', 'starttls', 'tls']) }).strict().optional(),
    endpoints: z.object({ authorization: z.url().nullable(), token: z.url(), device: z.url().nullable() }).strict().optional(),
    scope: z.string().min(1).max(1000).optional(),
    /** false only for a smarthost with a self-signed certificate the admin chose to trust. */
    rejectUnauthorized: z.boolean().optional(),
  })
  .strict();

export const OAuthSignInSchema = z.discriminatedUnion('flow', [
  /**
   * RFC 8252: authorization code with PKCE, redirected to a loopback address
   * the host listens on until expiresAt. In the desktop app the host opens the
   * address in the system browser (opened: true); otherwise the caller opens it.
   */
  z.object({ flow: z.literal('browser'), authorizationUrl: z.string(), opened: z.boolean(), expiresAt: z.string() }),
  /** RFC 8628: open the address (on any device), enter the code; the host polls until the sign-in is done and says so with upstream.oauth. */
  z.object({ flow: z.literal('device'), userCode: z.string(), verificationUri: z.string(), verificationUriComplete: z.string().nullable(), expiresAt: z.string() }),
  /** The app-only token was fetched: signed in already. */
  z.object({ flow: z.literal('app'), status: OAuthStatusSchema }),
]);

export const oauthMethods = {
  /** Saves the OAuth settings in place of the smarthost's password login; the app-only flow signs in at once. */
  'upstream.setOAuth': { input: SetOAuthInput, output: OAuthStatusSchema },
  'upstream.oauthStatus': { input: NoInput, output: OAuthStatusSchema },
  /** Starts a sign-in with the saved settings' flow. */
  'upstream.oauthSignIn': { input: NoInput, output: OAuthSignInSchema },
  /** Forgets the refresh token and client secret; mail waits until a new sign-in. */
  'upstream.oauthSignOut': { input: NoInput, output: OAuthStatusSchema },
} as const;
