/**
 * The certificate as the host keeps it, with a real store and vault: a
 * generated one with its ECDSA twin (certificates in the settings, keys in
 * the vault only), an import served alone, a regenerate making both anew, an
 * installation without a twin given one at start, and the doctor's check
 * counting the certificate that ends first.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { generate } from 'selfsigned';
import type { HostContext } from '../host/context.js';
import { openKeyFile } from '../host/key-file.js';
import { TokenKeeper } from '../host/oauth/token-keeper.js';
import { certificateCheck } from '../host/services/doctor/certificate-check.js';
import { ensureCertificate, serverService } from '../host/services/server.js';
import { generateCertificate, keyMatches } from '../host/services/server/certificate.js';
import { Store } from '../host/store/store.js';
import { Vault } from '../host/vault.js';
import { vaultNames } from '../host/vault-names.js';
import { testSettings } from './settings-fixture.js';

const DAY = 24 * 3600_000;

async function host(t: TestContext): Promise<{ ctx: HostContext; dir: string; relayChanges: () => number }> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-certificate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await Store.open(dir, () => testSettings());
  const vault = await Vault.open(dir, await openKeyFile(dir));
  let changes = 0;
  const ctx: HostContext = {
    dataDir: dir,
    store,
    vault,
    relayChanged: () => {
      changes++;
      return Promise.resolve();
    },
    usersChanged: () => Promise.resolve(),
    submitMail: () => Promise.resolve('q1'),
    dnsServers: () => [],
    hostname: () => 'office-pc',
    oauth: new TokenKeeper({ settings: () => null, vault, tokensChanged: () => Promise.resolve() }),
  };
  return { ctx, dir, relayChanges: () => changes };
}

/** Every file of the data folder, as text. */
async function folderText(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
}

function stored(ctx: HostContext) {
  const tls = ctx.store.data.server.tls;
  assert.ok(tls);
  return { ...tls, key: ctx.vault.get(vaultNames.tlsKey), ecdsaKey: ctx.vault.get(vaultNames.tlsEcdsaKey) };
}

test('first run: the RSA certificate and its ECDSA P-256 twin in the settings, with the same names and validity; both keys in the vault only', async (t) => {
  const { ctx, dir, relayChanges } = await host(t);
  await ensureCertificate(ctx);
  const tls = stored(ctx);
  assert.equal(tls.source, 'generated');
  assert.ok(tls.ecdsaCert && tls.key && tls.ecdsaKey);
  const rsa = new X509Certificate(tls.cert);
  const ecdsa = new X509Certificate(tls.ecdsaCert);
  assert.equal(ecdsa.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(rsa.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  assert.deepEqual([ecdsa.subject, ecdsa.subjectAltName, ecdsa.validFrom, ecdsa.validTo], [rsa.subject, rsa.subjectAltName, rsa.validFrom, rsa.validTo]);
  assert.ok(keyMatches(tls.cert, tls.key) && keyMatches(tls.ecdsaCert, tls.ecdsaKey));
  assert.equal(relayChanges(), 1);
  // The vault is encrypted: no private key is readable anywhere in the data folder.
  const text = await folderText(dir);
  assert.ok(text.includes(tls.ecdsaCert.trim().split('\n')[1] ?? '?'), 'the EC certificate is in the settings');
  assert.doesNotMatch(text, /PRIVATE KEY/);

  const view = await serverService(ctx)['server.get']({});
  assert.deepEqual(view.tls?.algorithms, ['RSA-2048', 'ECDSA P-256']);
  assert.equal(view.tls.ecdsaFingerprint, ecdsa.fingerprint256);
  assert.doesNotMatch(JSON.stringify(view), /PRIVATE KEY/);
});

test('an import is served alone (twin and its key removed); regenerating makes both anew', async (t) => {
  const { ctx } = await host(t);
  await ensureCertificate(ctx);
  const first = stored(ctx);
  const mine = await generateCertificate('mail.office.example', []);
  const service = serverService(ctx);

  const imported = await service['server.importCertificate']({ cert: mine.rsa.cert, key: mine.rsa.key });
  assert.deepEqual([imported.tls?.source, imported.tls?.ecdsaFingerprint, imported.tls?.algorithms], ['imported', null, ['RSA-2048']]);
  const afterImport = stored(ctx);
  assert.equal(afterImport.ecdsaCert, null);
  assert.equal(afterImport.ecdsaKey, null);
  assert.ok(afterImport.key && keyMatches(mine.rsa.cert, afterImport.key));

  // A start does not give an imported certificate a twin.
  await ensureCertificate(ctx);
  assert.equal(stored(ctx).ecdsaCert, null);

  const regenerated = await service['server.regenerateCertificate']({});
  assert.deepEqual(regenerated.tls?.algorithms, ['RSA-2048', 'ECDSA P-256']);
  const again = stored(ctx);
  assert.ok(again.ecdsaCert && again.ecdsaKey && keyMatches(again.ecdsaCert, again.ecdsaKey));
  assert.notEqual(again.ecdsaCert, first.ecdsaCert);
  assert.notEqual(again.cert, first.cert);
});

test('a generated certificate without a twin (an older installation) gets one at start; its RSA certificate and key stay', async (t) => {
  const { ctx } = await host(t);
  const old = await generateCertificate('office-pc', [], new Date(Date.now() - 300 * DAY));
  await ctx.vault.change((v) => v.set(vaultNames.tlsKey, old.rsa.key));
  await ctx.store.update((draft) => void (draft.server.tls = { source: 'generated', cert: old.rsa.cert, ecdsaCert: null }));

  await ensureCertificate(ctx);
  const tls = stored(ctx);
  assert.equal(tls.cert, old.rsa.cert);
  assert.equal(tls.key, old.rsa.key);
  assert.ok(tls.ecdsaCert && tls.ecdsaKey && keyMatches(tls.ecdsaCert, tls.ecdsaKey));
  const rsa = new X509Certificate(tls.cert);
  const twin = new X509Certificate(tls.ecdsaCert);
  assert.equal(twin.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.deepEqual([twin.validFrom, twin.validTo, twin.subjectAltName], [rsa.validFrom, rsa.validTo, rsa.subjectAltName], 'it ends when the RSA one does');

  // A twin whose key was lost is made again; a whole one is left alone.
  await ctx.vault.change((v) => v.delete(vaultNames.tlsEcdsaKey));
  await ensureCertificate(ctx);
  const remade = stored(ctx);
  assert.ok(remade.ecdsaKey && remade.ecdsaCert && keyMatches(remade.ecdsaCert, remade.ecdsaKey));
  assert.notEqual(remade.ecdsaCert, tls.ecdsaCert);
  await ensureCertificate(ctx);
  assert.equal(stored(ctx).ecdsaCert, remade.ecdsaCert);
});

test('the doctor names both algorithms and fingerprints, and warns when the twin ends soon though the RSA one does not', async (t) => {
  const { ctx } = await host(t);
  await ensureCertificate(ctx);
  const ok = certificateCheck(ctx);
  assert.equal(ok.status, 'warning', 'self-signed');
  const twin = new X509Certificate(stored(ctx).ecdsaCert ?? '');
  assert.ok(ok.details.includes(`Offered as RSA-2048 and ECDSA P-256; ECDSA SHA-256 fingerprint: ${twin.fingerprint256}`), ok.details.join(' / '));

  const now = Date.now();
  const short = await generate([{ name: 'commonName', value: 'office-pc' }], { keyType: 'ec', algorithm: 'sha256', notBeforeDate: new Date(now - DAY), notAfterDate: new Date(now + 10 * DAY) });
  await ctx.store.update((draft) => {
    if (draft.server.tls) draft.server.tls.ecdsaCert = short.cert;
  });
  const soon = certificateCheck(ctx, new Date(now));
  assert.equal(soon.status, 'warning');
  assert.match(soon.summary, /^The certificate expires in 9 days/);
});
