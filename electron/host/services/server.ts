/**
 * The Server page: the relay's ports and their encryption, its certificate,
 * its limits, and where it hands mail on (a smarthost or the recipients' MX
 * hosts). Settings go to the store, the certificate's key and the smarthost
 * password to the vault; every change is pushed to the running relay, which
 * opens and closes ports by difference and swaps certificates in place.
 *
 * A certificate's key and the certificate itself are written inside one store
 * change (the store runs changes one at a time), so two certificate changes
 * at once can never leave one's key beside the other's certificate.
 */
import { allowsClearTextLogin } from '../../../relay/protocol.js';
import { errorMessage } from '../../../relay/shared/errors.js';
import type { ApiImplementation, MethodInput } from '../../api/contract.js';
import { ApiError } from '../../api/contract.js';
import type { ServerView, UpstreamView } from '../../api/schemas/server.js';
import type { HostContext } from '../context.js';
import type { StoreData } from '../store/schema.js';
import { checkImport, generateCertificate, generateEcdsaTwin, keyMatches, storedCertificateView, type CertificatePair } from './server/certificate.js';
import { lanAddresses } from './server/lan-addresses.js';
import { checkListener, normalizeHost } from './server/rules.js';
import { testSmarthost, type SmarthostSettings } from './server/smarthost-test.js';
import { vaultNames } from '../vault-names.js';

type ServerApi = Pick<
  ApiImplementation,
  | 'server.get'
  | 'server.setListener'
  | 'server.removeListener'
  | 'server.setLimits'
  | 'server.regenerateCertificate'
  | 'server.importCertificate'
  | 'upstream.get'
  | 'upstream.setSmarthost'
  | 'upstream.setDirect'
  | 'upstream.test'
>;


export const NO_UPSTREAM_RESPONSE = 'No upstream is configured: choose a smarthost or direct delivery first.';
export const DIRECT_DELIVERY_RESPONSE =
  "Direct delivery has no single server to test; messages go to each recipient domain's MX host. Check that this network lets mail out on the chosen port (often 25 is blocked).";

function serverView(ctx: HostContext): ServerView {
  const { server } = ctx.store.data;
  return {
    hostname: ctx.hostname(),
    lanAddresses: lanAddresses(),
    listenAddress: server.listenAddress,
    listeners: [...server.listeners].sort((a, b) => a.port - b.port).map((l) => ({ ...l, clearTextLogins: allowsClearTextLogin(l) })),
    tls: storedCertificateView(server.tls),
    limits: { ...server.limits },
  };
}

function upstreamView(ctx: HostContext): UpstreamView {
  const upstream = ctx.store.data.upstream;
  if (upstream.mode !== 'smarthost') return { ...upstream };
  const { oauth, ...rest } = upstream;
  const hasClientCredential = ctx.vault.get(vaultNames.upstreamClientSecret) !== null || ctx.vault.get(vaultNames.upstreamClientCertificate) !== null;
  return {
    ...rest,
    hasPassword: ctx.vault.get(vaultNames.upstreamPassword) !== null,
    oauth: oauth ? { preset: oauth.preset, flow: oauth.flow, tenant: oauth.tenant, clientId: oauth.clientId, endpoints: oauth.endpoints, scope: oauth.scope, hasClientCredential } : null,
  };
}

/** What the relay serves: a certificate, and for a generated one its ECDSA twin. */
interface ServedCertificate {
  source: 'generated' | 'imported';
  pair: CertificatePair;
  ecdsaTwin: CertificatePair | null;
}

/**
 * Stores a certificate and its key together, with its twin or none (an
 * imported certificate is served alone: a twin left from before would name
 * this computer, not the admin's names); see the note at the top.
 */
async function storeCertificate(ctx: HostContext, served: ServedCertificate, unless?: (data: StoreData) => boolean): Promise<boolean> {
  const { source, pair, ecdsaTwin } = served;
  const stored = await ctx.store.update(async (draft) => {
    if (unless?.(draft)) return false;
    await ctx.vault.change((v) => {
      v.set(vaultNames.tlsKey, pair.key);
      if (ecdsaTwin) v.set(vaultNames.tlsEcdsaKey, ecdsaTwin.key);
      else v.delete(vaultNames.tlsEcdsaKey);
    });
    draft.server.tls = { source, cert: pair.cert, ecdsaCert: ecdsaTwin?.cert ?? null };
    return true;
  });
  if (stored) await ctx.relayChanged();
  return stored;
}

async function newCertificate(ctx: HostContext): Promise<ServedCertificate> {
  const { rsa, ecdsa } = await generateCertificate(ctx.hostname(), lanAddresses());
  return { source: 'generated', pair: rsa, ecdsaTwin: ecdsa };
}

/** Whether the stored certificate can serve: present, readable, and its key in the vault. */
function certificateUsable(ctx: HostContext): boolean {
  const tls = ctx.store.data.server.tls;
  const key = ctx.vault.get(vaultNames.tlsKey);
  return tls !== null && key !== null && storedCertificateView(tls) !== null && keyMatches(tls.cert, key);
}

/** Whether a generated certificate lacks a usable ECDSA twin (an install from before twins, or a twin's key lost). */
function twinMissing(ctx: HostContext): boolean {
  const tls = ctx.store.data.server.tls;
  if (tls?.source !== 'generated') return false;
  const key = ctx.vault.get(vaultNames.tlsEcdsaKey);
  return tls.ecdsaCert === null || key === null || !keyMatches(tls.ecdsaCert, key);
}

/** Adds the ECDSA twin to a generated certificate that has none, leaving the RSA one as it is. */
async function addEcdsaTwin(ctx: HostContext): Promise<void> {
  const seen = ctx.store.data.server.tls;
  if (!seen) return;
  const twin = await generateEcdsaTwin(seen.cert);
  const key = ctx.vault.get(vaultNames.tlsKey);
  if (!key) return;
  // Someone may have imported or regenerated one meanwhile: theirs stays.
  await storeCertificate(ctx, { source: 'generated', pair: { cert: seen.cert, key }, ecdsaTwin: twin }, (data) => data.server.tls?.cert !== seen.cert);
}

/**
 * Makes the self-signed certificate on first run. It also replaces a stored
 * certificate the relay could not use (its key missing from the vault, or not
 * its key: a data folder copied without the keychain, or a stop between the
 * two writes), since without one no port offering TLS could open. A usable
 * generated certificate without an ECDSA twin keeps its RSA one and gets the
 * twin, so devices that trusted it go on trusting it.
 */
export async function ensureCertificate(ctx: HostContext): Promise<void> {
  if (certificateUsable(ctx)) {
    // The twin only saves CPU: a start never fails for want of it.
    if (twinMissing(ctx)) await addEcdsaTwin(ctx).catch((err: unknown) => console.error('relay-desk: no ECDSA twin for the certificate, the RSA one is served alone:', errorMessage(err)));
    return;
  }
  const seen = ctx.store.data.server.tls?.cert ?? null;
  const served = await newCertificate(ctx);
  // Someone may have imported or regenerated one meanwhile: theirs stays.
  await storeCertificate(ctx, served, (data) => (data.server.tls?.cert ?? null) !== seen);
}

function setListener(ctx: HostContext, input: MethodInput<'server.setListener'>): Promise<void> {
  return ctx.store.update((draft) => {
    const listeners = draft.server.listeners;
    const index = listeners.findIndex((l) => l.port === input.port);
    if (input.create && index >= 0) {
      // An "add" form that silently changed an existing port would leave the admin unsure what happened.
      throw new ApiError('listener_exists', `Port ${input.port} is already set up: change its encryption in its row above.`, 'port');
    }
    const next = checkListener(input, listeners[index]);
    if (index >= 0) listeners[index] = next;
    else listeners.push(next);
    listeners.sort((a, b) => a.port - b.port);
  });
}

function removeListener(ctx: HostContext, port: number): Promise<void> {
  return ctx.store.update((draft) => {
    const listeners = draft.server.listeners;
    const index = listeners.findIndex((l) => l.port === port);
    if (index < 0) {
      const open = listeners.map((l) => l.port).join(', ');
      throw new ApiError('not_found', `The relay does not listen on port ${port}${open ? ` (it listens on ${open})` : ''}.`, 'port');
    }
    if (listeners.length === 1) {
      throw new ApiError(
        'last_listener',
        `Port ${port} is the relay's only port; without it no device could hand in mail. Add the port you want first, then remove this one.`,
        'port',
      );
    }
    listeners.splice(index, 1);
  });
}

function cleanUser(user: string | null): string | null {
  if (user === null) return null;
  const trimmed = user.trim();
  if (trimmed === '') return null;
  if (/\p{Cc}/u.test(trimmed)) throw new ApiError('invalid_user', 'The user name contains control characters (a line break?); type it again.', 'user');
  return trimmed;
}

/**
 * What a smarthost form amounts to: the stored user, password and certificate
 * choice stand in for what the input leaves out; a user cleared takes its
 * password with it. The stored password is only ever sent to the server it
 * was saved for: with another host it must be typed again, so whoever holds
 * the admin token cannot point the relay (or a test) at their own server and
 * collect it.
 */
function smarthostFrom(
  stored: StoreData['upstream'],
  storedPassword: string | null,
  input: MethodInput<'upstream.setSmarthost'>,
): { settings: SmarthostSettings; password: string | null } {
  if (input.password === '') {
    throw new ApiError('invalid_password', 'The password is empty. Leave it out to keep the stored one, or remove it explicitly.', 'password');
  }
  const previous = stored.mode === 'smarthost' ? stored : null;
  const user = input.user === undefined ? (previous?.user ?? null) : cleanUser(input.user);
  if (typeof input.password === 'string' && user === null) {
    throw new ApiError('password_without_user', 'A password needs a user name: enter the user name the provider gave you too.', 'user');
  }
  const host = normalizeHost(input.host);
  if (input.password === undefined && user !== null && storedPassword !== null && previous !== null && previous.host !== host) {
    throw new ApiError(
      'password_needed',
      `Type the password for ${host}: the stored password was saved for ${previous.host} and is only ever sent there.`,
      'password',
    );
  }
  return {
    settings: {
      host,
      port: input.port,
      security: input.security,
      user,
      rejectUnauthorized: input.rejectUnauthorized ?? previous?.rejectUnauthorized ?? true,
    },
    password: user === null ? null : input.password === undefined ? storedPassword : input.password,
  };
}

async function setSmarthost(ctx: HostContext, input: MethodInput<'upstream.setSmarthost'>): Promise<void> {
  await ctx.store.update(async (draft) => {
    const { settings, password } = smarthostFrom(draft.upstream, ctx.vault.get(vaultNames.upstreamPassword), input);
    if (password !== ctx.vault.get(vaultNames.upstreamPassword)) {
      await ctx.vault.change((v) => (password === null ? v.delete(vaultNames.upstreamPassword) : v.set(vaultNames.upstreamPassword, password)));
    }
    // The password form: a login by password replaces an OAuth sign-in (upstream.setOAuth sets that one).
    draft.upstream = { mode: 'smarthost', ...settings, oauth: null };
  });
}

async function setDirect(ctx: HostContext, port: number): Promise<void> {
  await ctx.store.update(async (draft) => {
    // Direct delivery logs in nowhere: the smarthost's password is not kept around unused.
    if (ctx.vault.get(vaultNames.upstreamPassword) !== null) await ctx.vault.change((v) => v.delete(vaultNames.upstreamPassword));
    draft.upstream = { mode: 'mx', port };
  });
}

export function serverService(ctx: HostContext): ServerApi {
  /** Waits for a change, waits for the relay to apply it, and answers with the page as it now is. */
  const changed = async (change: Promise<unknown>): Promise<ServerView> => {
    await change;
    await ctx.relayChanged();
    return serverView(ctx);
  };

  return {
    'server.get': () => Promise.resolve(serverView(ctx)),
    'server.setListener': (input) => changed(setListener(ctx, input)),
    'server.removeListener': ({ port }) => changed(removeListener(ctx, port)),
    'server.setLimits': (input) =>
      changed(
        ctx.store.update((draft) => {
          for (const name of ['maxMessageBytes', 'maxRecipients', 'maxConnections', 'maxConnectionsPerClient', 'maxConnectionRatePerClient'] as const) {
            const value = input[name];
            if (value !== undefined) draft.server.limits[name] = value;
          }
        }),
      ),
    'server.regenerateCertificate': async () => {
      await storeCertificate(ctx, await newCertificate(ctx));
      return serverView(ctx);
    },
    'server.importCertificate': async ({ cert, key }) => {
      await storeCertificate(ctx, { source: 'imported', pair: checkImport(cert, key), ecdsaTwin: null });
      return serverView(ctx);
    },
    'upstream.get': () => Promise.resolve(upstreamView(ctx)),
    'upstream.setSmarthost': async (input) => {
      await setSmarthost(ctx, input);
      await ctx.relayChanged();
      return upstreamView(ctx);
    },
    'upstream.setDirect': async ({ port }) => {
      await setDirect(ctx, port ?? 25);
      await ctx.relayChanged();
      return upstreamView(ctx);
    },
    'upstream.test': async ({ smarthost }) => {
      if (smarthost) {
        const { settings, password } = smarthostFrom(ctx.store.data.upstream, ctx.vault.get(vaultNames.upstreamPassword), smarthost);
        return testSmarthost(settings, password, ctx.hostname());
      }
      const upstream = ctx.store.data.upstream;
      if (upstream.mode === 'none') return { ok: false, response: NO_UPSTREAM_RESPONSE };
      if (upstream.mode === 'mx') return { ok: true, response: DIRECT_DELIVERY_RESPONSE };
      if (upstream.oauth) {
        const { account, expiresAt, problem } = ctx.oauth.status();
        return testSmarthost(upstream, null, ctx.hostname(), { accessToken: ctx.oauth.accessToken(), account, expiresAt, problem });
      }
      return testSmarthost(upstream, ctx.vault.get(vaultNames.upstreamPassword), ctx.hostname());
    },
  };
}
