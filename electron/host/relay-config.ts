/**
 * The relay's whole configuration, made from the settings store and the
 * vault each time something changes. Only verified senders authorize
 * anything; unverified ones travel along so the relay can explain a refusal.
 */
import { join } from 'node:path';
import type { DeliveryConfig, RelayConfig, RelayUser, Sender } from '../../relay/protocol.js';
import type { HostContext } from './context.js';
import { DEFAULT_RETRY, SESSION_LIMITS } from './relay-defaults.js';
import { addressMaySend, domainStatus } from './services/senders/status.js';
import { hasWrittenProperties, type StoreData, type StoredUser } from './store/schema.js';
import { vaultNames } from './vault-names.js';

const AUTH_FAILURES = { max: 10, windowSeconds: 600, blockSeconds: 900 };

/** An address at a verified domain goes as verified: the domain proved it, as it proves every address at it. */
export function relaySenders(data: Readonly<StoreData>, domains: string[], addresses: string[]): Sender[] {
  return [
    ...domains.map((value) => ({ kind: 'domain' as const, value, verified: domainStatus(data, value) === 'verified' })),
    ...addresses.map((value) => ({ kind: 'address' as const, value, verified: addressMaySend(data, value) })),
  ];
}

function delivery(ctx: HostContext): DeliveryConfig | null {
  const upstream = ctx.store.data.upstream;
  switch (upstream.mode) {
    case 'none':
      return null;
    case 'mx':
      return { mode: 'mx', dnsServers: ctx.dnsServers(), port: upstream.port };
    case 'smarthost': {
      if (upstream.oauth) {
        // No token (signed out, or "sign in again"): no smarthost, so mail waits in the queue rather than bounce.
        const accessToken = ctx.oauth.accessToken();
        const user = upstream.user ?? upstream.oauth.account;
        if (!accessToken || !user) return null;
        const { host, port, security, rejectUnauthorized } = upstream;
        return { mode: 'smarthost', host, port, security, auth: { user, accessToken }, rejectUnauthorized };
      }
      const password = ctx.vault.get(vaultNames.upstreamPassword);
      return {
        mode: 'smarthost',
        host: upstream.host,
        port: upstream.port,
        security: upstream.security,
        auth: upstream.user ? { user: upstream.user, password: password ?? '' } : null,
        rejectUnauthorized: upstream.rejectUnauthorized,
      };
    }
  }
}

/** The relay's view of one stored user; null for a user whose verifier is missing (an interrupted creation), who cannot log in until its password is reset. */
function relayUser(ctx: HostContext, user: StoredUser): RelayUser | null {
  const verifier = ctx.vault.get(vaultNames.verifier(user.name));
  if (!verifier) return null;
  return {
    name: user.name,
    active: user.active,
    verifier,
    priority: user.priority,
    list: user.list,
    senders: relaySenders(ctx.store.data, user.domains, user.addresses),
    trustedClients: user.trustedClients,
    rateLimitPerHour: user.rateLimitPerHour,
  };
}

/** What the relay must change for these users: their current state, or their removal. */
export function buildUsersDelta(ctx: HostContext, names: string[]): { upsert: RelayUser[]; remove: string[] } {
  const upsert: RelayUser[] = [];
  const remove: string[] = [];
  for (const name of names) {
    const stored = ctx.store.users.get(name);
    const user = stored ? relayUser(ctx, stored) : null;
    if (user) upsert.push(user);
    else remove.push(name);
  }
  return { upsert, remove };
}

export function buildRelayConfig(ctx: HostContext): RelayConfig {
  const data = ctx.store.data;
  const key = ctx.vault.get(vaultNames.tlsKey);
  const ecdsaKey = ctx.vault.get(vaultNames.tlsEcdsaKey);
  const ecdsaCert = data.server.tls?.ecdsaCert;
  return {
    hostname: ctx.hostname(),
    spoolDir: join(ctx.dataDir, 'spool'),
    listeners: data.server.listeners.map((l) => ({ ...l, address: data.server.listenAddress })),
    tls: data.server.tls && key ? { cert: data.server.tls.cert, key, ...(ecdsaCert && ecdsaKey ? { ecdsa: { cert: ecdsaCert, key: ecdsaKey } } : {}) } : null,
    users: [...ctx.store.users.values()].flatMap((u) => relayUser(ctx, u) ?? []),
    limits: { ...data.server.limits, session: SESSION_LIMITS, authFailures: AUTH_FAILURES },
    delivery: delivery(ctx),
    retry: DEFAULT_RETRY,
    dkim: data.senders.domains.flatMap((d) => {
      const privateKey = ctx.vault.get(vaultNames.dkimKey(d.domain));
      if (d.status !== 'verified' || !d.dkimSelector || !privateKey) return [];
      const rsa = { domain: d.domain, selector: d.dkimSelector, privateKey };
      // The RSA signature first, which every receiver checks; the Ed25519 one beside it (RFC 8463 suggests both).
      const ed25519Key = d.dkimEd25519 && ctx.vault.get(vaultNames.dkimEd25519Key(d.domain));
      return d.dkimEd25519 && ed25519Key ? [rsa, { domain: d.domain, selector: d.dkimEd25519.selector, privateKey: ed25519Key }] : [rsa];
    }),
    deliveryPaused: data.deliveryPaused,
    // Only lists with something written: for the others the relay has nothing to do.
    messageProperties: data.lists.flatMap((l) => (hasWrittenProperties(l.messageProperties) ? [{ list: l.name, ...l.messageProperties }] : [])),
  };
}
