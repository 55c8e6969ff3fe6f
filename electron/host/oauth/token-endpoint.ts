/**
 * The OAuth 2.0 token endpoint (RFC 6749 §3.2) and the device authorization
 * endpoint (RFC 8628 §3.1), spoken with fetch: each grant the upstream
 * sign-in uses, and its answers read strictly. A client secret goes in the
 * form body (client_secret_post), as Microsoft's and Google's documentation
 * show it; a certificate credential as a signed client assertion (RFC 7523). Nothing here logs a token: errors carry the endpoint's error code
 * and description only.
 */
import { z } from 'zod';
import { clientAssertion, type ClientCertificate } from './client-assertion.js';

const TokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().optional(),
  scope: z.string().optional(),
});

const ErrorAnswerSchema = z.object({ error: z.string(), error_description: z.string().optional() });

export interface Tokens {
  accessToken: string;
  /** When the access token stops working (ms since the epoch). */
  expiresAt: number;
  /** Absent when the grant gives none (client credentials) or keeps the one the client has (a refresh that does not rotate). */
  refreshToken?: string;
  /** Who signed in, from the ID token's claims where the provider sent one. */
  account?: string;
  scope?: string;
}

/** The endpoint refused or could not be asked; `code` is its RFC 6749 §5.2 error ("invalid_grant": sign in again) or ours. */
export class OAuthEndpointError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientAuth {
  clientId: string;
  clientSecret?: string;
  /** Used instead of a secret where there is one (Microsoft 365 app-only). */
  certificate?: ClientCertificate;
}

/** A provider that says nothing of expiry gets an hour, the usual lifetime of both providers' tokens. */
const DEFAULT_LIFETIME_S = 3600;
/** A token endpoint that has not answered in this long is treated as down: the mail waits, nothing is lost. */
const REQUEST_TIMEOUT_MS = 30_000;

async function postForm(url: string, form: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new OAuthEndpointError('unreachable', `${url} could not be reached: ${(err as Error).message}`);
  }
  const body: unknown = await response.json().catch(() => null);
  const error = ErrorAnswerSchema.safeParse(body);
  if (error.success) throw new OAuthEndpointError(error.data.error, `${url}: ${error.data.error}${error.data.error_description ? ` (${error.data.error_description})` : ''}`);
  if (!response.ok) throw new OAuthEndpointError('server_error', `${url} answered HTTP ${response.status}`);
  return body;
}

/** The ID token's email-like claim, read without verifying it: it only names the account to the admin, it grants nothing. */
function accountOf(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const name = claims.email ?? claims.preferred_username ?? claims.upn;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The client's own fields for a request to `url`: its id, and its secret or an assertion made for that endpoint. */
function clientFields(client: ClientAuth, url: string): Record<string, string> {
  if (client.certificate) {
    return {
      client_id: client.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(client.clientId, url, client.certificate),
    };
  }
  return { client_id: client.clientId, ...(client.clientSecret ? { client_secret: client.clientSecret } : {}) };
}

export async function requestTokens(tokenUrl: string, client: ClientAuth, grant: Record<string, string>): Promise<Tokens> {
  const parsed = TokenAnswerSchema.safeParse(await postForm(tokenUrl, { ...grant, ...clientFields(client, tokenUrl) }));
  if (!parsed.success) throw new OAuthEndpointError('invalid_response', `${tokenUrl} answered without an access token`);
  const answer = parsed.data;
  const account = accountOf(answer.id_token);
  return {
    accessToken: answer.access_token,
    expiresAt: Date.now() + (answer.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
    ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
    ...(account ? { account } : {}),
    ...(answer.scope ? { scope: answer.scope } : {}),
  };
}

export const refreshGrant = (refreshToken: string, scope: string) => ({ grant_type: 'refresh_token', refresh_token: refreshToken, scope });
export const clientCredentialsGrant = (scope: string) => ({ grant_type: 'client_credentials', scope });
/** RFC 6749 §4.1.3 with RFC 7636 §4.5: the code the browser brought back, its redirect address and the PKCE verifier. */
export const authorizationCodeGrant = (code: string, redirectUri: string, codeVerifier: string) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: redirectUri,
  code_verifier: codeVerifier,
});

const DeviceAnswerSchema = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.url(),
  verification_uri_complete: z.url().optional(),
  expires_in: z.coerce.number().positive(),
  interval: z.coerce.number().positive().optional(),
});

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresAt: number;
  intervalMs: number;
}

/** RFC 8628 §3.1–3.2: the codes to show the admin. */
export async function startDeviceAuthorization(deviceUrl: string, client: ClientAuth, scope: string): Promise<DeviceAuthorization> {
  const parsed = DeviceAnswerSchema.safeParse(await postForm(deviceUrl, { ...clientFields(client, deviceUrl), scope }));
  if (!parsed.success) throw new OAuthEndpointError('invalid_response', `${deviceUrl} answered without a device code`);
  const d = parsed.data;
  return {
    deviceCode: d.device_code,
    userCode: d.user_code,
    verificationUri: d.verification_uri,
    ...(d.verification_uri_complete ? { verificationUriComplete: d.verification_uri_complete } : {}),
    expiresAt: Date.now() + d.expires_in * 1000,
    // RFC 8628 §3.2: 5 seconds when the server names no interval.
    intervalMs: (d.interval ?? 5) * 1000,
  };
}

/**
 * RFC 8628 §3.4–3.5: polls until the admin has approved (tokens), denied or
 * let the code expire (an error), at the server's interval, 5 s slower at
 * each slow_down. `wait` is the pause between polls (a timer; tests pass one
 * that resolves when the user's approval is in).
 */
export async function pollDeviceAuthorization(
  tokenUrl: string,
  client: ClientAuth,
  device: DeviceAuthorization,
  wait: (ms: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<Tokens> {
  let interval = device.intervalMs;
  for (;;) {
    if (signal?.aborted) throw new OAuthEndpointError('cancelled', 'the sign-in was cancelled');
    if (Date.now() > device.expiresAt) throw new OAuthEndpointError('expired_token', 'the code expired before the sign-in was approved');
    try {
      return await requestTokens(tokenUrl, client, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.deviceCode });
    } catch (err) {
      if (!(err instanceof OAuthEndpointError)) throw err;
      if (err.code === 'slow_down') interval += 5000;
      else if (err.code !== 'authorization_pending') throw err;
    }
    await wait(interval);
  }
}
