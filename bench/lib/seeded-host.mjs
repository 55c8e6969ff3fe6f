/**
 * A host with thousands of users for the benchmarks (bench/api.mjs,
 * bench/ui-users.mjs): a data folder seeded straight with the host's own
 * Store and Vault from dist/ (one store change, one vault change, one shared
 * scrypt verifier, so seeding takes seconds rather than 10,000 scrypt runs),
 * then `relay-desk serve` on it, and everything to undo if a bench stops early.
 * It needs the OS keychain: run inside scripts/with-keyring.sh.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import keytar from 'keytar';
import { waitUntil } from './proc.mjs';

const dist = (/** @type {string} */ path) => new URL(`../../dist/${path}`, import.meta.url).href;
const cliEntry = fileURLToPath(new URL('../../dist/electron/cli.js', import.meta.url));
const now = () => performance.now();

export const LISTS = ['SMTP+', 'Scanners', 'Shop', 'Accounting'];
export const VERIFIED_DOMAINS = 20;
export const PENDING_DOMAINS = 5;
export const VERIFIED_ADDRESSES = 15;
export const PENDING_ADDRESSES = 5;
export const domainName = (/** @type {number} */ i) => `d${i}.bench.example`;
export const pendingDomainName = (/** @type {number} */ i) => `pending${i}.bench.example`;
export const senderAddress = (/** @type {number} */ i) => `info@shop${i}.bench.example`;
/** The load generator's sender: a verified domain of user 0, which trusts 127.0.0.1. */
export const HISTORY_FROM = `bench@${domainName(0)}`;

/**
 * What must be undone if the bench stops early: the host process (it holds
 * ports and the data folder), the temp folder and this installation's
 * keychain entries.
 */
export const cleanups = /** @type {(() => Promise<void>)[]} */ ([]);
export async function cleanUp() {
  for (const step of cleanups.splice(0).reverse()) await step().catch((err) => console.error(String(err)));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the host and removing the data folder…`);
    void cleanUp().then(() => process.exit(130));
  });
}

// ── seeding ────────────────────────────────────────────────────────────────

/**
 * The host's own fresh settings (electron/host/fresh-settings.ts, so a new
 * settings field never leaves the bench's seed behind the store's schema),
 * on loopback only: a bench has no business on the LAN.
 */
function freshSettings(modules, smtpPort) {
  const settings = modules.freshSettings(smtpPort);
  settings.installationId = `bench-${Math.random().toString(36).slice(2, 12)}`;
  settings.server.listenAddress = '127.0.0.1';
  settings.server.listeners = [{ port: smtpPort, encryption: 'starttls', requireTlsForAuth: false }];
  return settings;
}

/** One stored user: a verified domain, sometimes a pending or unknown one, an address, one or two trusted devices. */
function seedUser(accountId, n, at) {
  const domains = [domainName(n % VERIFIED_DOMAINS)];
  if (n % 7 === 0) domains.push(pendingDomainName(n % PENDING_DOMAINS));
  if (n % 11 === 0) domains.push(`own${n}.example`);
  const addresses = [`user${n}@${domainName(n % VERIFIED_DOMAINS)}`];
  if (n % 50 === 0) addresses.push(senderAddress((n / 50) % (VERIFIED_ADDRESSES + PENDING_ADDRESSES)));
  const trustedClients = n === 0 ? ['127.0.0.1'] : [`10.${Math.floor(n / 250) % 256}.${n % 250}.1`];
  if (n % 10 === 0) trustedClients.push(`192.168.${n % 250}.0/24`);
  return {
    name: `s${accountId}_${n}`,
    list: LISTS[n % LISTS.length],
    active: n % 20 !== 19,
    priority: (n % 5) + 1,
    note: n % 3 === 0 ? `Seeded user ${n}: front desk printer and scanner` : '',
    domains,
    addresses,
    trustedClients,
    rateLimitPerHour: n % 4 === 3 ? 500 : null,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * A fresh data folder with USERS users (its third argument), sender domains and addresses, a
 * certificate and DKIM keys, written with the host's own Store and Vault:
 * one store change, one vault change. `options.upstream` replaces the
 * settings' upstream (bench/relay-product.mjs delivers to its sink), `limits`
 * some of the server's limits; the
 * certificate and the DKIM key made are returned, so a peer can use the same.
 * @param {string} dataDir @param {number} smtpPort @param {number} USERS
 * @param {{ upstream?: object, limits?: object }} [options] `limits` changes the server's limits
 */
export async function seed(dataDir, smtpPort, USERS, options = {}) {
  const [store, usersFile, fresh, vaultModule, secrets, verifier, { vaultNames }, certificate, lan, records] = await Promise.all([
    import(dist('electron/host/store/store.js')),
    import(dist('electron/host/store/users-file.js')),
    import(dist('electron/host/fresh-settings.js')),
    import(dist('electron/host/vault.js')),
    import(dist('electron/host/secrets.js')),
    import(dist('relay/shared/verifier.js')),
    import(dist('electron/host/vault-names.js')),
    import(dist('electron/host/services/server/certificate.js')),
    import(dist('electron/host/services/server/lan-addresses.js')),
    import(dist('electron/host/services/senders/records.js')),
  ]);
  const started = now();
  const settings = await store.Store.open(dataDir, () => freshSettings(fresh, smtpPort));
  const { installationId, accountId } = settings.data;
  const keychain = await secrets.openKeychain(installationId);
  cleanups.push(() => forgetKeychain(secrets.serviceName(installationId)));
  const vault = await vaultModule.Vault.open(dataDir, keychain);

  // The slow parts, once each: one scrypt verifier shared by every user (timed alone: it is the scrypt
  // share of a users.create), the certificate, one DKIM key shared by the verified domains.
  const scryptStarted = now();
  const sharedVerifier = await verifier.createVerifier('bench-password-1');
  const scryptMs = now() - scryptStarted;
  const [generated, dkimKey] = await Promise.all([certificate.generateCertificate(hostname(), lan.lanAddresses()), records.generateDkimKey()]);
  // The relay serves the RSA certificate and its ECDSA twin, as a fresh install does; peers are given both too.
  const cert = { ...generated.rsa, ecdsa: generated.ecdsa };

  const at = new Date().toISOString();
  const names = [];
  await settings.update((draft, users) => {
    // Each further list as the default one is made (aggregation, message properties), under its own name.
    const [model] = draft.lists;
    for (const list of LISTS) if (!draft.lists.some((l) => l.name === list)) draft.lists.push({ ...structuredClone(model), name: list, createdAt: at });
    for (let n = 0; n < USERS; n++) {
      const user = seedUser(accountId, n, at);
      users.put(user);
      names.push(user.name);
    }
    draft.nextUserNumber = USERS;
    const domain = (name, i) => {
      const verified = i < VERIFIED_DOMAINS;
      return {
        domain: name,
        token: records.newToken(),
        status: verified ? 'verified' : 'pending',
        addedAt: at,
        verifiedAt: verified ? at : null,
        method: verified ? 'dns-txt' : null,
        dkimSelector: verified ? records.DKIM_SELECTOR : null,
        dkimPublicKey: verified ? dkimKey.publicKey : null,
        lastCheck: { at, result: verified ? 'The verification record was found.' : 'No verification record yet.' },
      };
    };
    draft.senders.domains = [
      ...Array.from({ length: VERIFIED_DOMAINS }, (_, i) => domain(domainName(i), i)),
      ...Array.from({ length: PENDING_DOMAINS }, (_, i) => domain(pendingDomainName(i), VERIFIED_DOMAINS + i)),
    ];
    draft.senders.addresses = Array.from({ length: VERIFIED_ADDRESSES + PENDING_ADDRESSES }, (_, i) => {
      const verified = i < VERIFIED_ADDRESSES;
      return {
        address: senderAddress(i),
        status: verified ? 'verified' : 'pending',
        addedAt: at,
        verifiedAt: verified ? at : null,
        method: verified ? 'email-code' : null,
        codeSentAt: at,
      };
    });
    draft.server.tls = { source: 'generated', cert: cert.cert, ecdsaCert: generated.ecdsa.cert };
    if (options.upstream) draft.upstream = options.upstream;
    if (options.limits) Object.assign(draft.server.limits, options.limits);
  });
  await vault.change((entries) => {
    for (const name of names) entries.set(vaultNames.verifier(name), sharedVerifier);
    entries.set(vaultNames.tlsKey, cert.key);
    entries.set(vaultNames.tlsEcdsaKey, generated.ecdsa.key);
    for (let i = 0; i < VERIFIED_DOMAINS; i++) entries.set(vaultNames.dkimKey(domainName(i)), dkimKey.privateKey);
  });
  const [settingsBytes, usersBytes, vaultBytes] = await Promise.all(
    [store.SETTINGS_FILE, usersFile.USERS_FILE, vaultModule.VAULT_FILE].map(async (file) => (await stat(join(dataDir, file))).size),
  );
  return { names, accountId, cert, dkimKey, seconds: (now() - started) / 1000, scryptMs, settingsBytes, usersBytes, vaultBytes };
}

/** Removes this installation's keychain entries (inside with-keyring.sh the whole keyring goes anyway). */
async function forgetKeychain(service) {
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
}

// ── the host ───────────────────────────────────────────────────────────────

/**
 * `relay-desk serve` on the seeded folder; resolves once the relay listens.
 * BENCH_CPU_PROF=1 adds --cpu-prof (the host passes it on to its relay child).
 * `cli` runs another build's entry (bench/start.mjs compares dist folders).
 */
export async function startHost(dataDir, smtpPort, profileDir, cli = cliEntry) {
  // One-argument forms: the host passes its --cpu-prof options on to its relay (electron/host/relay-process.ts).
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const spawnedAt = now();
  const child = spawn(process.execPath, [...execArgv, cli, 'serve', '--data-dir', dataDir, '--admin-port', '0', '--smtp-port', String(smtpPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  /** @type {string[]} */
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const listening = await waitUntil(() => gone() || lines.some((l) => /^SMTP relay (listening on|could not listen on port) /.test(l)), 180_000, 5);
  const startSeconds = (now() - spawnedAt) / 1000;
  const adminLine = await waitUntil(() => gone() || lines.find((l) => l.startsWith('Relay Desk admin: ')), 30_000, 5);
  if (!listening || typeof adminLine !== 'string' || gone() || !lines.some((l) => l.startsWith('SMTP relay listening on'))) {
    throw new Error(`relay-desk serve did not start with the relay listening; its output:\n${lines.join('\n')}`);
  }
  const url = new URL(adminLine.replace(/^Relay Desk admin: (\S+).*$/, '$1'));
  return { child, lines, url, startSeconds, stop };
}

/** The admin token, read from the keychain as the e2e fixture and the CLI do. */
export async function adminToken(dataDir) {
  const [{ ADMIN_TOKEN_KEY, readInstallationId }, { serviceName }] = await Promise.all([
    import(dist('electron/host/discovery.js')),
    import(dist('electron/host/secrets.js')),
  ]);
  const installation = await readInstallationId(dataDir);
  const token = installation === null ? null : await keytar.getPassword(serviceName(installation), ADMIN_TOKEN_KEY);
  if (!token) throw new Error(`no admin token in the keychain for ${dataDir}`);
  return token;
}
