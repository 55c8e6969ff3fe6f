/**
 * Where each provider's OAuth 2.0 endpoints and SMTP server are, and what
 * scope lets a token send mail. The values are the providers' published ones:
 *
 * Microsoft 365
 * - endpoints, per tenant (a tenant id, a domain, or `common`):
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 *   (`https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize` and `/token`),
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code (`/devicecode`)
 * - SMTP and scopes: https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 *   (smtp.office365.com, port 587, STARTTLS; delegated scope `https://outlook.office.com/SMTP.Send`
 *   with `offline_access` for a refresh token; app-only (client credentials) `https://outlook.office365.com/.default`)
 *
 * Google
 * - endpoints: https://developers.google.com/identity/protocols/oauth2/native-app
 *   (`https://accounts.google.com/o/oauth2/v2/auth`, `https://oauth2.googleapis.com/token`)
 * - SMTP and scope: https://developers.google.com/gmail/imap/xoauth2-protocol
 *   (smtp.gmail.com, port 587, STARTTLS; scope `https://mail.google.com/`)
 * - no device flow: https://developers.google.com/identity/protocols/oauth2/limited-input-device
 *   lists the scopes it allows, and `https://mail.google.com/` is not one of them; nor is
 *   there an app-only grant for Gmail outside a Workspace service account.
 */

export type OAuthPresetName = 'microsoft365' | 'google' | 'custom';
export type OAuthFlow = 'browser' | 'device' | 'app';

export interface OAuthEndpoints {
  authorization: string | null;
  token: string;
  device: string | null;
}

export interface OAuthPreset {
  smtp: { host: string; port: number; security: 'starttls' };
  /** The delegated scope: a user's sign-in, refresh token included. */
  scope: string;
  /** The scope of an app-only token (client credentials); null where the provider has none for SMTP. */
  appScope: string | null;
  flows: OAuthFlow[];
  endpoints: (tenant: string) => OAuthEndpoints;
}

const microsoftBase = (tenant: string) => `https://login.microsoftonline.com/${encodeURIComponent(tenant || 'common')}/oauth2/v2.0`;

export const OAUTH_PRESETS: Record<Exclude<OAuthPresetName, 'custom'>, OAuthPreset> = {
  microsoft365: {
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    scope: 'https://outlook.office.com/SMTP.Send offline_access',
    appScope: 'https://outlook.office365.com/.default',
    flows: ['browser', 'device', 'app'],
    endpoints: (tenant) => ({ authorization: `${microsoftBase(tenant)}/authorize`, token: `${microsoftBase(tenant)}/token`, device: `${microsoftBase(tenant)}/devicecode` }),
  },
  google: {
    smtp: { host: 'smtp.gmail.com', port: 587, security: 'starttls' },
    scope: 'https://mail.google.com/',
    appScope: null,
    flows: ['browser'],
    endpoints: () => ({ authorization: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token', device: null }),
  },
};

/** Why a flow cannot be used with a preset, in words for the admin; null when it can. */
export function flowRefusal(preset: OAuthPresetName, flow: OAuthFlow): string | null {
  if (preset === 'custom') return null;
  if (OAUTH_PRESETS[preset].flows.includes(flow)) return null;
  if (preset === 'google' && flow === 'device') return "Google's device sign-in does not allow the Gmail scope (https://mail.google.com/): sign in from the desktop app or a browser on this computer.";
  return `${preset === 'google' ? 'Google' : 'Microsoft 365'} has no ${flow === 'app' ? 'app-only' : flow} sign-in for SMTP.`;
}
