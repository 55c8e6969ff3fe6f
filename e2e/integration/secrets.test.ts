/**
 * Secrets against the real OS keychain (gnome-keyring on a private D-Bus):
 * the vault key lives there, the vault file reveals nothing without it, a
 * damaged or foreign vault is refused with a clear reason, and without a
 * keychain opening it says why and how to get one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { openKeychain, serviceName } from '../../electron/host/secrets.js';
import { Vault, VAULT_FILE, VaultError } from '../../electron/host/vault.js';
import { requireKeyringSession } from '../fixtures/keyring.js';
import { tempDir } from '../fixtures/temp.js';
import { vaultNames } from '../../electron/host/vault-names.js';

const run = promisify(execFile);
const SECRET = 'scrypt$15$8$1$c2FsdHNhbHQ=$aGFzaGhhc2g=-very-secret';

test('vault entries survive a reopen and never appear in the file', async (t) => {
  requireKeyringSession();
  const dir = await tempDir(t, 'vault');
  const installation = `vault-test-${process.pid}-a`;
  t.after(async () => {
    await keytar.deletePassword(serviceName(installation), 'vault-key');
  });
  const keychain = await openKeychain(installation);
  const vault = await Vault.open(dir, keychain);
  await vault.change((e) => {
    e.set(vaultNames.verifier('s1_0'), SECRET);
    e.set(vaultNames.upstreamPassword, 'smarthost-pass');
  });
  await vault.change((e) => e.delete(vaultNames.upstreamPassword));
  const file = await readFile(join(dir, VAULT_FILE), 'utf8');
  assert.doesNotMatch(file, /very-secret|smarthost-pass|verifier/);
  const reopened = await Vault.open(dir, await openKeychain(installation));
  assert.equal(reopened.get(vaultNames.verifier('s1_0')), SECRET);
  assert.equal(reopened.get(vaultNames.upstreamPassword), null);
  assert.ok(await keytar.getPassword(serviceName(installation), 'vault-key'), 'the key is in the keychain, namespaced by installation');
});

test('a vault from another installation, or a damaged one, is refused with the reason', async (t) => {
  requireKeyringSession();
  const dir = await tempDir(t, 'vault');
  const mine = `vault-test-${process.pid}-b`;
  const other = `vault-test-${process.pid}-c`;
  t.after(async () => {
    await keytar.deletePassword(serviceName(mine), 'vault-key');
    await keytar.deletePassword(serviceName(other), 'vault-key');
  });
  const vault = await Vault.open(dir, await openKeychain(mine));
  await vault.change((e) => e.set(vaultNames.verifier('k'), 'v'));
  await assert.rejects(Vault.open(dir, await openKeychain(other)), (err: unknown) => err instanceof VaultError && /keychain has no key for it/.test(err.message));
  const file = join(dir, VAULT_FILE);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/"data":"(.)/, (_m, c: string) => `"data":"${c === 'A' ? 'B' : 'A'}`));
  await assert.rejects(Vault.open(dir, await openKeychain(mine)), /damaged or was not made with the key in this user's keychain/);
});

test('without a keychain, opening it fails with the reason and how to get one (the host then uses a key file: headless.test.ts)', async () => {
  const script = `import { openKeychain } from ${JSON.stringify(new URL('../../electron/host/secrets.js', import.meta.url).href)};
    openKeychain('no-keychain').then(() => console.log('opened'), (e) => console.log(e.name + ': ' + e.message));`;
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  assert.match(stdout, /^KeychainUnavailableError: No OS keychain is available/);
  assert.match(stdout, /install gnome-keyring/);
});
