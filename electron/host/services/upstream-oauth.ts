/**
 * upstream.setOAuth, oauthStatus, oauthSignIn, oauthSignOut: the smarthost's
 * OAuth 2.0 settings (a preset's or the admin's own endpoints), the sign-in
 * flows, and the state the token keeper is in. The device flow is polled
 * here in the background; its end is told with the upstream.oauth event.
 */
import { ApiError, type ApiImplementation, type MethodInput } from '../../api/contract.js';
import type { OAuthStatus } from '../../api/schemas/oauth.js';
import type { HostContext } from '../context.js';
import { flowRefusal, OAUTH_PRESETS } from '../oauth/presets.js';
import { OAuthEndpointError, pollDeviceAuthorization, startDeviceAuthorization } from '../oauth/token-endpoint.js';
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

export function upstreamOAuthService(ctx: HostContext, wait: (ms: number) => Promise<void>): OAuthApi {
  let deviceSignIn: AbortController | null = null;

  const configured = (): UpstreamOAuth => {
    const upstream = ctx.store.data.upstream;
    if (upstream.mode !== 'smarthost' || !upstream.oauth) throw new ApiError('oauth_not_configured', 'Choose OAuth 2.0 for the smarthost and save its settings first.');
    return upstream.oauth;
  };

  return {
    'upstream.setOAuth': async (input) => {
      const { oauth, smtp } = settingsFrom(input);
      if (input.flow === 'app' && !input.clientSecret && !ctx.vault.get(vaultNames.upstreamClientSecret)) {
        throw new ApiError('invalid_input', 'The app-only sign-in needs the app registration\'s client secret.', 'clientSecret');
      }
      deviceSignIn?.abort();
      await ctx.oauth.signOut();
      await ctx.store.update(async (draft) => {
        const previous = draft.upstream.mode === 'smarthost' ? draft.upstream : null;
        // The password login is replaced: its password is not kept around unused.
        await ctx.vault.change((v) => {
          v.delete(vaultNames.upstreamPassword);
          if (input.clientSecret) v.set(vaultNames.upstreamClientSecret, input.clientSecret);
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
        const secret = ctx.vault.get(vaultNames.upstreamClientSecret) as string;
        await ctx.oauth.signInAsApp(secret).catch(refused);
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
      const secret = ctx.vault.get(vaultNames.upstreamClientSecret);
      const client = { clientId: settings.clientId, ...(secret ? { clientSecret: secret } : {}) };
      if (settings.flow === 'app') {
        await ctx.oauth.signInAsApp(secret ?? '').catch(refused);
        return { flow: 'app', status: oauthStatus(ctx) };
      }
      if (settings.flow === 'browser' || !settings.endpoints.device) {
        throw new ApiError('not_supported', 'The browser sign-in is not built yet: choose the device sign-in ("open an address, enter a code").');
      }
      const device = await startDeviceAuthorization(settings.endpoints.device, client, settings.scope).catch(refused);
      deviceSignIn?.abort();
      const controller = new AbortController();
      deviceSignIn = controller;
      void pollDeviceAuthorization(settings.endpoints.token, client, device, wait, controller.signal)
        .then(async (tokens) => {
          if (controller.signal.aborted) return;
          await ctx.store.update((draft) => {
            if (draft.upstream.mode === 'smarthost' && draft.upstream.oauth) draft.upstream.oauth.account = tokens.account ?? draft.upstream.user;
          });
          await ctx.oauth.signedIn(tokens);
        })
        .catch((err: unknown) => ctx.oauth.failedSignIn((err as Error).message));
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
      deviceSignIn?.abort();
      await ctx.oauth.signOut();
      return oauthStatus(ctx);
    },
  };
}
