/**
 * Keeps the smarthost's OAuth 2.0 access token fresh. The access token lives
 * only here, in memory; the refresh token (and a client secret) in the vault.
 * A token is renewed ahead of its expiry, and once when the smarthost refuses
 * it (the relay's upstream-token-refused); a renewal the provider refuses
 * (revoked, expired, password changed) leaves the upstream in "sign in again":
 * no token, so the relay gets no smarthost and mail waits in the queue,
 * nothing bounced, until the admin signs in again.
 */
import { EventEmitter } from 'node:events';
import { tokenFingerprint } from '../../../relay/shared/sasl-oauth.js';
import type { UpstreamOAuth } from '../store/schema.js';
import type { Vault } from '../vault.js';
import { vaultNames } from '../vault-names.js';
import type { ClientCertificate } from './client-assertion.js';
import { clientCredentialsGrant, OAuthEndpointError, refreshGrant, requestTokens, type ClientAuth, type Tokens } from './token-endpoint.js';

export type OAuthState = 'signed-out' | 'signed-in' | 'sign-in-again';

export interface OAuthStatus {
  state: OAuthState;
  account: string | null;
  /** When the access token in hand expires (ISO); null without one. */
  expiresAt: string | null;
  /** Why the last renewal failed, in words; null when it did not. */
  problem: string | null;
}

/** The app registration's credentials as the vault holds them: a certificate, a secret, or none (a public client). */
export function clientAuthOf(clientId: string, vault: Vault): ClientAuth {
  const secret = vault.get(vaultNames.upstreamClientSecret);
  const certificate = vault.get(vaultNames.upstreamClientCertificate);
  return {
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    ...(certificate ? { certificate: JSON.parse(certificate) as ClientCertificate } : {}),
  };
}

export interface KeeperDeps {
  settings(): UpstreamOAuth | null;
  vault: Vault;
  /** The token changed (or is gone): the relay is reconfigured with it. */
  tokensChanged(): Promise<void>;
}

/** Renewed this long before expiry, so no message meets an expired token. */
const RENEW_AHEAD_MS = 5 * 60_000;
/** A provider that could not be reached is asked again after this long. */
const RETRY_MS = 60_000;
/** The provider's errors that mean the grant itself is no longer good (RFC 6749 §5.2): only a new sign-in helps. */
const GRANT_ENDED = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope', 'access_denied']);

export class TokenKeeper extends EventEmitter<{ change: [OAuthStatus] }> {
  private token: Tokens | null = null;
  private state: OAuthState = 'signed-out';
  private problem: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> | null = null;
  /** The fingerprint of a token fetched because the smarthost refused the one before: refused too, it is not renewed again. */
  private renewedAfterRefusal: string | null = null;

  constructor(private readonly deps: KeeperDeps) {
    super();
  }

  accessToken(): string | null {
    return this.token?.accessToken ?? null;
  }

  status(): OAuthStatus {
    return {
      state: this.state,
      account: this.deps.settings()?.account ?? null,
      expiresAt: this.token ? new Date(this.token.expiresAt).toISOString() : null,
      problem: this.problem,
    };
  }

  /** At start: a token from the stored grant, where there is one. */
  async start(): Promise<void> {
    if (this.hasGrant()) await this.renew();
  }

  /** A sign-in finished with these tokens: the refresh token is stored, the access token used. */
  async signedIn(tokens: Tokens): Promise<void> {
    if (tokens.refreshToken) await this.deps.vault.change((v) => v.set(vaultNames.upstreamRefreshToken, tokens.refreshToken as string));
    await this.use(tokens);
  }

  /** The app-only grant: a client secret stored when given (else the stored secret or certificate used), a token fetched with it (which throws when the provider refuses). */
  async signInAsApp(clientSecret?: string): Promise<void> {
    if (clientSecret) await this.deps.vault.change((v) => v.set(vaultNames.upstreamClientSecret, clientSecret));
    await this.renew(true);
  }

  /** The relay says the smarthost refused this token: renewed once, and a fresh token refused as well asks for a sign-in. */
  async tokenRefused(tokenSha256: string, reply: string): Promise<void> {
    const current = this.token ? tokenFingerprint(this.token.accessToken) : null;
    if (current !== tokenSha256) return;
    if (this.renewedAfterRefusal === current) {
      await this.grantEnded(`the smarthost refused a freshly issued token too: ${reply}`);
      return;
    }
    await this.renew();
    if (this.token) this.renewedAfterRefusal = tokenFingerprint(this.token.accessToken);
  }

  /** A sign-in that did not finish (denied, expired, cancelled): said to the admin, the state as it was. */
  failedSignIn(reason: string): void {
    this.problem = `The sign-in did not finish: ${reason}`;
    this.emit('change', this.status());
  }

  async signOut(): Promise<void> {
    this.clearTimer();
    this.token = null;
    this.problem = null;
    this.state = 'signed-out';
    await this.deps.vault.change((v) => {
      v.delete(vaultNames.upstreamRefreshToken);
      v.delete(vaultNames.upstreamClientSecret);
      v.delete(vaultNames.upstreamClientCertificate);
    });
    await this.changed();
  }

  stop(): void {
    this.clearTimer();
  }

  private hasGrant(): boolean {
    const settings = this.deps.settings();
    if (!settings) return false;
    if (settings.flow !== 'app') return this.deps.vault.get(vaultNames.upstreamRefreshToken) !== null;
    return this.deps.vault.get(vaultNames.upstreamClientSecret) !== null || this.deps.vault.get(vaultNames.upstreamClientCertificate) !== null;
  }

  /** One renewal at a time; `rethrow` hands the provider's refusal to a caller waiting on a sign-in. */
  private renew(rethrow = false): Promise<void> {
    this.pending ??= this.fetch().finally(() => (this.pending = null));
    return rethrow ? this.pending : this.pending.catch(() => undefined);
  }

  private async fetch(): Promise<void> {
    const settings = this.deps.settings();
    if (!settings) return;
    const client = clientAuthOf(settings.clientId, this.deps.vault);
    const refreshToken = this.deps.vault.get(vaultNames.upstreamRefreshToken);
    if (settings.flow !== 'app' && !refreshToken) return this.grantEnded('there is no stored sign-in');
    const grant = settings.flow === 'app' ? clientCredentialsGrant(settings.scope) : refreshGrant(refreshToken as string, settings.scope);
    let tokens: Tokens;
    try {
      tokens = await requestTokens(settings.endpoints.token, client, grant);
    } catch (err) {
      if (err instanceof OAuthEndpointError && GRANT_ENDED.has(err.code)) {
        await this.grantEnded(err.message);
      } else {
        // The provider is down or unreachable: the grant may still be good, so it is asked again.
        this.problem = (err as Error).message;
        this.schedule(RETRY_MS);
        this.emit('change', this.status());
      }
      throw err;
    }
    // A provider that rotates refresh tokens (RFC 6749 §10.4) hands a new one with each renewal.
    if (tokens.refreshToken && tokens.refreshToken !== refreshToken) await this.deps.vault.change((v) => v.set(vaultNames.upstreamRefreshToken, tokens.refreshToken as string));
    await this.use(tokens);
  }

  private async use(tokens: Tokens): Promise<void> {
    this.token = tokens;
    this.state = 'signed-in';
    this.problem = null;
    this.schedule(tokens.expiresAt - RENEW_AHEAD_MS - Date.now());
    await this.changed();
  }

  private async grantEnded(reason: string): Promise<void> {
    this.clearTimer();
    this.token = null;
    this.state = 'sign-in-again';
    this.problem = reason;
    await this.changed();
  }

  private async changed(): Promise<void> {
    this.emit('change', this.status());
    await this.deps.tokensChanged();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => void this.renew(), Math.max(ms, 10_000));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
