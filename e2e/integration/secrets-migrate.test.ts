/**
 * `relay-desk secrets migrate`: a data folder's vault key and admin token
 * move from the key files to the real OS keychain (gnome-keyring in the test
 * session) and back, every SMTP user logging in after each step and the
 * vault file never rewritten; a running host, a move to where the key
 * already is and a keychain that cannot be reached are each told apart.
 */
import assert from 'node:assert/strict';
import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import keytar from 'keytar';
import { readInstallationId } from '../../electron/host/discovery.js';
import { serviceName } from '../../electron/host/secrets.js';
import { ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { requireKeyringSession, withoutKeychain } from '../fixtures/keyring.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';

const KEY_NOTICE = /^Relay Desk keeps the key that encrypts its passwords and private keys in /;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Every user logs in over STARTTLS with the password they were given at creation. */
async function assertEveryoneLogsIn(relay: RelayDesk, users: { name: string; password: string }[]): Promise<void> {
  for (const user of users) {
    const result = await swaks(relay.smtpPort, ['--tls', '--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', user.password]);
    assert.match(result.output, /^<~ +235 /m, `${user.name} logs in`);
  }
}

test('file → keychain → file: every user logs in after each move, the admin token stays, and the vault file is never rewritten', async (t) => {
  requireKeyringSession();
  const headless = withoutKeychain(await tempDir(t, 'runtime'));
  const first = await startRelayDesk(t, { env: headless });
  const dataDir = first.dataDir;
  const installation = (await readInstallationId(dataDir)) ?? '';
  t.after(async () => {
    await keytar.deletePassword(serviceName(installation), 'vault-key');
    await keytar.deletePassword(serviceName(installation), 'admin-token');
  });
  const users = await Promise.all(
    [{}, { note: 'scanner' }].map(async (input) => {
      const created = await ok(first, 'users.create', input);
      return { name: created.user.name, password: created.password };
    }),
  );
  await assertEveryoneLogsIn(first, users);
  const keyFile = join(dataDir, 'vault.key');
  const tokenFile = join(dataDir, 'admin.token');
  const key = (await readFile(keyFile, 'utf8')).trim();

  assertOneLineError(
    await cli(['secrets', 'migrate', '--to', 'keychain', '--data-dir', dataDir]),
    new RegExp(`^relay-desk: Relay Desk is running for ${dataDir} \\(process ${first.proc.child.pid}\\): stop it first`),
  );
  await first.interrupt();
  const vault = await readFile(join(dataDir, 'secrets.vault'));

  const toKeychain = await cliOk(['secrets', 'migrate', '--to', 'keychain', '--data-dir', dataDir]);
  assert.equal(
    toKeychain,
    `Moved the vault key and the admin token of ${dataDir} to this user's keychain. The vault (secrets.vault) is unchanged: every user keeps their password. Start Relay Desk again.\n`,
  );
  assert.equal(await keytar.getPassword(serviceName(installation), 'vault-key'), key);
  assert.equal(await keytar.getPassword(serviceName(installation), 'admin-token'), first.token);
  assert.equal(await exists(keyFile), false, 'no key file left behind');
  assert.equal(await exists(tokenFile), false);
  assert.deepEqual(await readFile(join(dataDir, 'secrets.vault')), vault);

  const desktop = await startRelayDesk(t, { dataDir });
  assert.equal(desktop.proc.lines.some((l) => KEY_NOTICE.test(l)), false);
  assert.equal(desktop.token, first.token);
  assert.equal((await ok(desktop, 'secrets.storage', {})).kind, 'keychain');
  await assertEveryoneLogsIn(desktop, users);
  await desktop.interrupt();

  assert.equal(
    await cliOk(['secrets', 'migrate', '--to', 'keychain', '--data-dir', dataDir]),
    `The vault key of ${dataDir} is already in this user's keychain: nothing to move.\n`,
  );
  // Moving away from the keychain needs it: without one, nothing changes.
  assertOneLineError(await cli(['secrets', 'migrate', '--to', 'file', '--data-dir', dataDir], { env: headless }), /^relay-desk: No OS keychain is available \(/);
  assert.equal(await keytar.getPassword(serviceName(installation), 'vault-key'), key);

  const toFile = await cliJson<{ from: string; to: string; moved: string[]; location: string }>(['secrets', 'migrate', '--to', 'file', '--data-dir', dataDir]);
  assert.deepEqual(toFile, { from: 'keychain', to: 'file', moved: ['vault-key', 'admin-token'], location: `the key file ${keyFile}` });
  assert.equal((await readFile(keyFile, 'utf8')).trim(), key);
  assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
  assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
  assert.equal(await keytar.getPassword(serviceName(installation), 'vault-key'), null, 'the keychain no longer holds the key');
  assert.equal(await keytar.getPassword(serviceName(installation), 'admin-token'), null);
  assert.deepEqual(await readFile(join(dataDir, 'secrets.vault')), vault);

  const back = await startRelayDesk(t, { dataDir, env: headless });
  assert.match(back.proc.lines.find((l) => KEY_NOTICE.test(l)) ?? '', /: this data folder was set up that way\./);
  assert.equal(back.token, first.token);
  await assertEveryoneLogsIn(back, users);
});

test('secrets migrate says what it needs: a subcommand, --to keychain or file, a data folder', async (t) => {
  for (const [args, reason] of [
    [['secrets'], /secrets needs a command: migrate; see relay-desk secrets --help$/],
    [['secrets', 'migrate'], /secrets migrate needs --to keychain or --to file; see relay-desk secrets migrate --help$/],
    [['secrets', 'migrate', '--to', 'vault'], /--to must be keychain or file, got "vault"; see relay-desk secrets migrate --help$/],
  ] as const) {
    const result = await cli([...args]);
    assertOneLineError(result, reason);
    assert.equal(result.code, 2);
  }
  const empty = await tempDir(t, 'not-data');
  assertOneLineError(await cli(['secrets', 'migrate', '--to', 'file', '--data-dir', empty]), /has no readable settings\.json: is it a Relay Desk data folder\?$/);
  const help = await cli(['secrets', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /relay-desk secrets migrate --to keychain\|file/);
  assert.match(help.stdout, /The vault itself \(secrets\.vault\) is not changed/);
});
