/**
 * The browser sign-in of a native app (RFC 8252): an authorization request
 * with PKCE (RFC 7636, S256) and a random state, answered on a one-shot
 * HTTP listener on the loopback address (RFC 8252 §7.3), and the code
 * exchanged for tokens. The listener closes once an answer came (success
 * or failure), when the sign-in is cancelled, or when it expires. The
 * browser is shown a small page saying how it went; no token is ever in it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizationCodeGrant, OAuthEndpointError, requestTokens, type ClientAuth, type Tokens } from './token-endpoint.js';

/** Long enough to sign in with a password and a second factor; the pending listener does not outlive it. */
export const BROWSER_SIGN_IN_MS = 10 * 60_000;
const CALLBACK_PATH = '/callback';

export interface BrowserSignInRequest {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  client: ClientAuth;
  scope: string;
  /** The mailbox the admin should sign in as (login_hint). */
  loginHint: string;
  /** The provider's own parameters (Google's access_type=offline, a prompt). */
  extra: Record<string, string>;
  /** Ends the sign-in early: a newer one started, or the settings changed. */
  signal: AbortSignal;
}

export interface BrowserSignIn {
  authorizationUrl: string;
  expiresAt: number;
  /** The tokens, or the reason the sign-in did not finish (an OAuthEndpointError; code 'cancelled' when aborted). */
  result: Promise<Tokens>;
}

/** Only these are handed to the system's browser: a web address, or a local test or custom provider. */
export function openableInBrowser(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || (protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname));
  } catch {
    return false;
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(response: ServerResponse, status: number, title: string, text: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" });
  response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

function sameState(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBrowserSignIn(request: BrowserSignInRequest): Promise<BrowserSignIn> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // A sign-in left pending does not keep the host from exiting.
  server.unref();
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(request.authorizationEndpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: request.client.clientId,
    redirect_uri: redirectUri,
    scope: request.scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: request.loginHint,
    ...request.extra,
  })) {
    url.searchParams.set(name, value);
  }
  const expiresAt = Date.now() + BROWSER_SIGN_IN_MS;

  const result = new Promise<Tokens>((resolve, reject) => {
    let answered = false;
    const close = () => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', cancelled);
      server.close();
      server.closeIdleConnections();
    };
    const fail = (err: OAuthEndpointError) => {
      close();
      reject(err);
    };
    const cancelled = () => fail(new OAuthEndpointError('cancelled', 'the sign-in was cancelled'));
    const timer = setTimeout(() => fail(new OAuthEndpointError('expired', 'no answer came from the browser within 10 minutes')), BROWSER_SIGN_IN_MS);
    timer.unref();
    if (request.signal.aborted) return cancelled();
    request.signal.addEventListener('abort', cancelled, { once: true });

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const params = new URL(req.url ?? '/', redirectUri);
      // Browsers also ask for /favicon.ico; only the callback counts.
      if (params.pathname !== CALLBACK_PATH) return page(res, 404, 'Not found', 'This address only receives the sign-in.');
      if (answered) return page(res, 409, 'Sign-in already finished', 'This sign-in has already finished; look in Relay Desk.');
      // A request without this sign-in's state was not sent by the provider for it (RFC 6749 §10.12): refused, the real answer still awaited.
      if (!sameState(params.searchParams.get('state') ?? '', state)) {
        return page(res, 400, 'Sign-in refused', 'This answer does not belong to the sign-in Relay Desk started, so it was ignored.');
      }
      answered = true;
      const error = params.searchParams.get('error');
      const code = params.searchParams.get('code');
      if (error || !code) {
        const description = params.searchParams.get('error_description');
        const reason = error ? `${error}${description ? ` (${description})` : ''}` : 'the provider sent no code';
        page(res, 400, 'Sign-in did not finish', `The provider said: ${reason}. Go back to Relay Desk to try again.`);
        return fail(new OAuthEndpointError(error ?? 'invalid_response', `the provider answered ${reason}`));
      }
      requestTokens(request.tokenEndpoint, request.client, authorizationCodeGrant(code, redirectUri, verifier)).then(
        (tokens) => {
          page(res, 200, 'Signed in', `Signed in to Relay Desk as ${tokens.account ?? request.loginHint}. You can close this tab.`);
          close();
          resolve(tokens);
        },
        (err: unknown) => {
          const message = err instanceof OAuthEndpointError ? err.message : String(err);
          page(res, 502, 'Sign-in did not finish', `The code could not be exchanged for a token: ${message}. Go back to Relay Desk to try again.`);
          fail(err instanceof OAuthEndpointError ? err : new OAuthEndpointError('server_error', message));
        },
      );
    });
  });
  return { authorizationUrl: url.toString(), expiresAt, result };
}
