/**
 * The vault as a log, with the real keychain: a change is one appended
 * line, a vault written whole by an earlier version still opens, a change a
 * crash cut short is dropped without losing earlier ones, damage is refused,
 * and a grown log is written whole again.
 */
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import keytar from 'keytar';
import { openKeychain, serviceName } from '../../electron/host/secrets.js';
import { Vault, VAULT_FILE, VaultError } from '../../electron/host/vault.js';
import { requireKeyringSession } from '../fixtures/keyring.js';
import { tempDir } from '../fixtures/temp.js';
import { vaultNames } from '../../electron/host/vault-names.js';

async function setUp(t: TestContext, suffix: string) {
  requireKeyringSession();
  const dir = await tempDir(t, 'vault-log');
  const installation = `vault-log-${process.pid}-${suffix}`;
  t.after(() => keytar.deletePassword(serviceName(installation), 'vault-key'));
  const open = async () => Vault.open(dir, await openKeychain(installation));
  const lines = async () => (await readFile(join(dir, VAULT_FILE), 'utf8')).split('\n').filter(Boolean);
  return { dir, installation, open, lines };
}

test('each change is one more line; reopened, the vault has every change', async (t) => {
  const { open, lines } = await setUp(t, 'a');
  const vault = await open();
  await vault.change((e) => e.set(vaultNames.verifier('s1_0'), 'v0'));
  await vault.change((e) => {
    e.set(vaultNames.verifier('s1_1'), 'v1');
    e.delete(vaultNames.verifier('s1_0'));
  });
  await vault.change((e) => e.set(vaultNames.verifier('s1_1'), 'v1-new'));
  assert.equal((await lines()).length, 3);
  const reopened = await open();
  assert.equal(reopened.get(vaultNames.verifier('s1_0')), null);
  assert.equal(reopened.get(vaultNames.verifier('s1_1')), 'v1-new');
});

test('a vault written whole by an earlier version opens, and is then kept as a log', async (t) => {
  const { dir, installation, open, lines } = await setUp(t, 'b');
  const key = randomBytes(32);
  await keytar.setPassword(serviceName(installation), 'vault-key', key.toString('base64'));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify({ [vaultNames.tlsKey]: 'PEM' }), 'utf8'), cipher.final()]);
  const old = { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  await writeFile(join(dir, VAULT_FILE), JSON.stringify(old));
  const vault = await open();
  assert.equal(vault.get(vaultNames.tlsKey), 'PEM');
  await vault.change((e) => e.set(vaultNames.upstreamPassword, 'pw'));
  assert.equal((await lines()).length, 2);
  const reopened = await open();
  assert.deepEqual([reopened.get(vaultNames.tlsKey), reopened.get(vaultNames.upstreamPassword)], ['PEM', 'pw']);
});

test('a change cut short by a crash is dropped; the earlier ones stay and the next change works', async (t) => {
  const { dir, open, lines } = await setUp(t, 'c');
  const vault = await open();
  await vault.change((e) => e.set(vaultNames.verifier('a'), '1'));
  await vault.change((e) => e.set(vaultNames.verifier('b'), '2'));
  const [, second] = await lines();
  await appendFile(join(dir, VAULT_FILE), (second ?? '').slice(0, 30));
  const recovered = await open();
  assert.deepEqual([recovered.get(vaultNames.verifier('a')), recovered.get(vaultNames.verifier('b'))], ['1', '2']);
  await recovered.change((e) => e.set(vaultNames.verifier('c'), '3'));
  assert.equal((await open()).get(vaultNames.verifier('c')), '3');
});

test('a damaged line or an empty file is refused, never read as an empty vault', async (t) => {
  const { dir, open, lines } = await setUp(t, 'd');
  const vault = await open();
  await vault.change((e) => e.set(vaultNames.verifier('a'), '1'));
  await vault.change((e) => e.set(vaultNames.verifier('b'), '2'));
  await vault.change((e) => e.set(vaultNames.verifier('c'), '3'));
  const [first, second, third] = await lines();
  await writeFile(join(dir, VAULT_FILE), `${first}\n${(second ?? '').replace('"data":"', '"data":"AAAA')}\n${third}\n`);
  await assert.rejects(open(), (err: unknown) => err instanceof VaultError && /damaged/.test(err.message));
  await writeFile(join(dir, VAULT_FILE), '');
  await assert.rejects(open(), VaultError);
});

test('a vault of more than 1,000 changes is written whole again at start', async (t) => {
  const { open, lines } = await setUp(t, 'e');
  const vault = await open();
  for (let i = 0; i <= 1_000; i++) await vault.change((e) => e.set(vaultNames.verifier(`s1_${i % 3}`), `v${i}`));
  assert.equal((await lines()).length, 1_001);
  const reopened = await open();
  assert.equal((await lines()).length, 1);
  assert.equal(reopened.get(vaultNames.verifier('s1_1')), 'v1000');
  assert.equal(reopened.get(vaultNames.verifier('s1_0')), 'v999');
});
