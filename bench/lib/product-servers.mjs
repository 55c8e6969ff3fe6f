/**
 * The servers of the "as the product runs" rows (bench/relay-product.mjs,
 * bench/open-loop.mjs), each started fresh for a row and each doing the same
 * work for a message: STARTTLS with one certificate pair (RSA-2048 and its
 * ECDSA P-256 twin, as a fresh install has), AUTH PLAIN as one user,
 * a DKIM signature with one RSA-2048 key, delivery to the same sink.
 *
 * - host: `relay-desk serve` (dist/electron/cli.js) on a data folder seeded
 *   with the host's own Store and Vault (bench/lib/seeded-host.mjs): a few
 *   users, verified domains with their DKIM key, the relay delivering to the
 *   sink. CPU: the host and its relay child summed.
 * - postfix-dkim: a private Postfix with STARTTLS, Cyrus SASL and OpenDKIM
 *   as its milter. CPU: all Postfix processes and OpenDKIM summed.
 * - haraka: Haraka with its outbound queue, the Node peer (bench/lib/haraka.mjs).
 * - ceiling: the bare Node responder, with STARTTLS on the same certificate.
 *
 * The seeded host runs inside scripts/with-keyring.sh (its vault key).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCeiling } from './ceiling.mjs';
import { startHaraka } from './haraka.mjs';
import { startOpenDkim } from './opendkim.mjs';
import { startPostfix } from './postfix.mjs';
import { cpuSeconds, freePort, sampleTreePeak, treeCpuSeconds } from './proc.mjs';
import { HISTORY_FROM, cleanups, domainName, seed, startHost } from './seeded-host.mjs';

export const PRODUCT_PASSWORD = 'bench-password-1';
export const PRODUCT_FROM = HISTORY_FROM;

/**
 * The seeded data folder, made once per bench run. The per-address limits are
 * raised: every bench connection comes from 127.0.0.1, where an office's
 * devices come from many addresses, and the defaults (50 connections at once,
 * 3,000 a minute from one address) would refuse W3's 100 clients and W1's
 * rate. Postfix's are off (bench/lib/postfix.mjs).
 * @param {number} sinkPort @param {number} users
 */
export async function prepareProduct(sinkPort, users) {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-product-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const upstream = { mode: 'smarthost', host: '127.0.0.1', port: sinkPort, security: 'none', user: null, rejectUnauthorized: true, oauth: null };
  const limits = { maxConnectionsPerClient: 200, maxConnectionRatePerClient: 1_000_000 };
  const seeded = await seed(dataDir, smtpPort, users, { upstream, limits });
  const { DKIM_SELECTOR } = await import(new URL('../../dist/electron/host/services/senders/records.js', import.meta.url).href);
  return {
    dataDir,
    smtpPort,
    sinkPort,
    /** User 0: its verified domain is PRODUCT_FROM's, and it also trusts 127.0.0.1 (so does Postfix's mynetworks). */
    user: /** @type {string} */ (seeded.names[0]),
    password: PRODUCT_PASSWORD,
    cert: seeded.cert,
    dkim: { domain: domainName(0), selector: DKIM_SELECTOR, privateKey: seeded.dkimKey.privateKey },
  };
}

/**
 * @typedef {Awaited<ReturnType<typeof prepareProduct>>} Product
 * @typedef {{ port: number, cpuSeconds: () => number, hostCpuSeconds?: () => number, watchRss: () => { stop: () => number }, stop: () => Promise<void> }} Server
 */

/** @param {'host' | 'postfix-dkim' | 'haraka' | 'ceiling'} kind @param {Product} product @param {string | null} [profileDir] @returns {Promise<Server>} */
export async function startProductServer(kind, product, profileDir = null) {
  if (kind === 'host') {
    const host = await startHost(product.dataDir, product.smtpPort, profileDir);
    const pid = /** @type {number} */ (host.child.pid);
    // The host's own share, beside the sum: the rest is its relay child's.
    return { port: product.smtpPort, cpuSeconds: () => treeCpuSeconds(pid), hostCpuSeconds: () => cpuSeconds(pid), watchRss: () => sampleTreePeak(pid), stop: host.stop };
  }
  if (kind === 'ceiling') {
    const ceiling = await startCeiling(product.cert);
    return { port: ceiling.port, cpuSeconds: () => cpuSeconds(ceiling.pid), watchRss: () => ({ stop: ceiling.peakRss }), stop: ceiling.stop };
  }
  if (kind === 'haraka') {
    const haraka = await startHaraka(product.sinkPort, product);
    return { port: haraka.port, cpuSeconds: () => treeCpuSeconds(haraka.pid), watchRss: () => sampleTreePeak(haraka.pid), stop: haraka.stop };
  }
  const dkim = await startOpenDkim(product.dkim);
  try {
    const postfix = await startPostfix(product.sinkPort, { tls: product.cert, sasl: { user: product.user, password: product.password }, milterPort: dkim.port });
    return {
      port: postfix.port,
      cpuSeconds: () => treeCpuSeconds(postfix.pid) + cpuSeconds(dkim.pid),
      watchRss: () => {
        const [a, b] = [sampleTreePeak(postfix.pid), sampleTreePeak(dkim.pid)];
        return { stop: () => a.stop() + b.stop() };
      },
      stop: async () => {
        await postfix.stop();
        await dkim.stop();
      },
    };
  } catch (err) {
    await dkim.stop();
    throw err;
  }
}
