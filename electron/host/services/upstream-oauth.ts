/**
 * upstream.setOAuth, oauthStatus, oauthSignIn, oauthSignOut: the smarthost's
 * OAuth 2.0 settings (a preset's or the admin's own endpoints), the sign-in
 * flows, and the state the token keeper is in. The device flow is polled
 * and the browser flow's loopback answer awaited here in the background;
 * either's end is told with the upstream.oauth event. One sign-in at a
 * time: a new one (or new settings) cancels the one pending.
 */
import { ApiError, type ApiImplementation, type MethodInput } from '../../api/contract.js';
import type { OAuthStatus } from '../../api/schemas/oauth.js';
import type { HostContext } from '../context.js';
import { flowRefusal, OAUTH_PRESETS } from '../oauth/presets.js';
import { openableInBrowser, startBrowserSignIn } from '../oauth/browser-sign-in.js';
import { certificateProblem } from '../oauth/client-assertion.js';
import { clientAuthOf } from '../oauth/token-keeper.js';
import { OAuthEndpointError, pollDeviceAuthorization, startDeviceAuthorization, type Tokens } from '../oauth/token-endpoint.js';
import type { UpstreamOAuth } from '../store/schema.js';
import { vaultNames } from '../vault-names.js';

type OAuthApi = Pick<ApiImplementation, 'upstream.setOAuth' | 'upstream.oauthStatus' | 'upstream.oauthSignIn' | 'upstream.oauthSignOut'>;

export function oauthStatus(ctx: HostContext): OAuthStatus {
  const upstream = ctx.store.data.upstream;
  const settings = upstream.mode === 'smarthost' ? upstream.oauth : null;
  if (upstream.mode !== 'smarthost' || !settings) {
    return { state: 'not-configured', preset: null, flow: null, user: null, account: null, expiresAt: null, problem: null };
  }
  const kept = ctx.oauth.status();
  return { ...kept, preset: settings.preset, flow: settings.flow, user: upstream.user };
}

/** The provider's refusal or silence as the API's error, its words kept (they never hold a token). */
function refused(err: unknown): never {
  if (err instanceof OAuthEndpointError) throw new ApiError('oauth_refused', `The provider refused the sign-in: ${err.message}`);
  throw err;
}

function settingsFrom(input: MethodInput<'upstream.setOAuth'>): { oauth: Omit<UpstreamOAuth, 'account'>; smtp: { host: string; port: number; security: 'none' | 'starttls' | 'tls' } } {
  const refusal = flowRefusal(input.preset, input.flow);
  if (refusal) throw new ApiError('oauth_flow_not_offered', refusal, 'flow');
  if (input.preset === 'custom') {
    if (!input.smtp) throw new ApiError('invalid_input', 'A custom provider needs its SMTP server: host, port and encryption.', 'smtp');
    if (!input.endpoints) throw new ApiError('invalid_input', "A custom provider needs its token endpoint (and its authorization or device endpoint for a user's sign-in).", 'endpoints');
    if (!input.scope) throw new ApiError('invalid_input', 'A custom provider needs the scope that lets a token send mail.', 'scope');
    if (input.flow === 'device' && !input.endpoints.device) throw new ApiError('oauth_flow_not_offered', 'The device sign-in needs the provider\'s device authorization endpoint.', 'endpoints');
    if (input.flow === 'browser' && !input.endpoints.authorization) throw new ApiError('oauth_flow_not_offered', 'The browser sign-in needs the provider\'s authorization endpoint.', 'endpoints');
    return { oauth: { preset: 'custom', flow: input.flow, tenant: '', clientId: input.clientId, endpoints: input.endpoints, scope: input.scope }, smtp: input.smtp };
  }
  const preset = OAUTH_PRESETS[input.preset];
  const tenant = input.preset === 'microsoft365' ? input.tenant?.trim() || 'common' : '';
  // An app-only token asks for the app's permissions as granted in the tenant, not a user's scope.
  const scope = input.flow === 'app' ? (preset.appScope ?? preset.scope) : preset.scope;
  return { oauth: { preset: input.preset, flow: input.flow, tenant, clientId: input.clientId, endpoints: preset.endpoints(tenant), scope }, smtp: preset.smtp };
}

/** What the provider needs beyond RFC 6749 to let the admin pick the mailbox and to give a refresh token. */
function providerParameters(preset: UpstreamOAuth['preset']): Record<string, string> {
  // Google issues a refresh token only with offline access, and again after the first time only with consent asked anew.
  if (preset === 'google') return { access_type: 'offline', prompt: 'consent' };
  // Microsoft would otherwise sign in silently as whoever the browser is signed in as.
  if (preset === 'microsoft365') return { prompt: 'select_account' };
  return {};
}

export interface OAuthServiceOptions {
  /** The pause between device-flow polls. */
  wait: (ms: number) => Promise<void>;
  /** Opens an address in the system's browser (the desktop app); absent headless, where the caller opens it. */
  openExternal?: (url: string) => Promise<void>;
}

export function upstreamOAuthService(ctx: HostContext, options: OAuthServiceOptions): OAuthApi {
  let pending: AbortController | null = null;
  /** Ends the sign-in in progress, if any, and hands out the signal of the next one. */
  const nextSignIn = (): AbortController => {
    pending?.abort();
    pending = new AbortController();
    return pending;
  };
  const finished = async (tokens: Tokens, controller: AbortController) => {
    if (controller.signal.aborted) return;
    await ctx.store.update((draft) => {
      if (draft.upstream.mode === 'smarthost' && draft.upstream.oauth) draft.upstream.oauth.account = tokens.account ?? draft.upstream.user;
    });
    await ctx.oauth.signedIn(tokens);
  };
  // A sign-in cancelled by a newer one is not a problem to show.
  const failed = (err: unknown, controller: AbortController) => {
    if (!controller.signal.aborted) ctx.oauth.failedSignIn((err as Error).message);
  };

  const configured = (): UpstreamOAuth => {
    const upstream = ctx.store.data.upstream;
    if (upstream.mode !== 'smarthost' || !upstream.oauth) throw new ApiError('oauth_not_configured', 'Choose OAuth 2.0 for the smarthost and save its settings first.');
    return upstream.oauth;
  };

  return {
    'upstream.setOAuth': async (input) => {
      const { oauth, smtp } = settingsFrom(input);
      const certificate = input.clientCertificate;
      const problem = certificate ? certificateProblem(certificate) : null;
      if (problem) throw new ApiError('invalid_certificate', problem, 'clientCertificate');
      // A new credential replaces the other kind; without one, the stored one is kept (signing out below would forget it).
      const secret = input.clientSecret ?? (certificate ? null : ctx.vault.get(vaultNames.upstreamClientSecret));
      const pair = certificate ? JSON.stringify(certificate) : input.clientSecret ? null : ctx.vault.get(vaultNames.upstreamClientCertificate);
      if (input.flow === 'app' && !secret && !pair) {
        throw new ApiError('invalid_input', "The app-only sign-in needs the app registration's client secret or certificate.", 'clientSecret');
      }
      pending?.abort();
      await ctx.oauth.signOut();
      await ctx.store.update(async (draft) => {
        const previous = draft.upstream.mode === 'smarthost' ? draft.upstream : null;
        // The password login is replaced: its password is not kept around unused.
        await ctx.vault.change((v) => {
          v.delete(vaultNames.upstreamPassword);
          if (secret) v.set(vaultNames.upstreamClientSecret, secret);
          if (pair) v.set(vaultNames.upstreamClientCertificate, pair);
        });
        draft.upstream = {
          mode: 'smarthost',
          ...smtp,
          user: input.user,
          rejectUnauthorized: input.rejectUnauthorized ?? previous?.rejectUnauthorized ?? true,
          oauth: { ...oauth, account: null },
        };
      });
      if (input.flow === 'app') {
        await ctx.oauth.signInAsApp().catch(refused);
        await ctx.store.update((draft) => {
          if (draft.upstream.mode === 'smarthost' && draft.upstream.oauth) draft.upstream.oauth.account = input.user;
        });
      }
      await ctx.relayChanged();
      return oauthStatus(ctx);
    },
    'upstream.oauthStatus': () => Promise.resolve(oauthStatus(ctx)),
    'upstream.oauthSignIn': async () => {
      const settings = configured();
      const client = clientAuthOf(settings.clientId, ctx.vault);
      if (settings.flow === 'app') {
        await ctx.oauth.signInAsApp().catch(refused);
        return { flow: 'app', status: oauthStatus(ctx) };
      }
      if (settings.flow === 'browser') {
        if (!settings.endpoints.authorization) throw new ApiError('oauth_flow_not_offered', "The browser sign-in needs the provider's authorization endpoint.");
        const controller = nextSignIn();
        const signIn = await startBrowserSignIn({
          authorizationEndpoint: settings.endpoints.authorization,
          tokenEndpoint: settings.endpoints.token,
          client,
          scope: settings.scope,
          loginHint: ctx.store.data.upstream.mode === 'smarthost' ? (ctx.store.data.upstream.user ?? '') : '',
          extra: providerParameters(settings.preset),
          signal: controller.signal,
        });
        void signIn.result.then((tokens) => finished(tokens, controller)).catch((err: unknown) => failed(err, controller));
        const open = options.openExternal;
        const opened = open && openableInBrowser(signIn.authorizationUrl) ? await open(signIn.authorizationUrl).then(() => true, () => false) : false;
        return { flow: 'browser', authorizationUrl: signIn.authorizationUrl, opened, expiresAt: new Date(signIn.expiresAt).toISOString() };
      }
      if (!settings.endpoints.device) throw new ApiError('oauth_flow_not_offered', "The device sign-in needs the provider's device authorization endpoint.");
      const device = await startDeviceAuthorization(settings.endpoints.device, client, settings.scope).catch(refused);
      const controller = nextSignIn();
      void pollDeviceAuthorization(settings.endpoints.token, client, device, options.wait, controller.signal)
        .then((tokens) => finished(tokens, controller))
        .catch((err: unknown) => failed(err, controller));
      return {
        flow: 'device',
        userCode: device.userCode,
        verificationUri: device.verificationUri,
        verificationUriComplete: device.verificationUriComplete ?? null,
        expiresAt: new Date(device.expiresAt).toISOString(),
      };
    },
    'upstream.oauthSignOut': async () => {
      configured();
      pending?.abort();
      await ctx.oauth.signOut();
      return oauthStatus(ctx);
    },
  };
}
