/**
 * Relay Desk on a machine with no desktop session: no D-Bus session bus, no
 * keyring daemon, as on an always-on box no one is logged in to. serve keeps
 * the vault key in a key file and says so once, relays mail, reads the same
 * vault after a restart, and its CLI works there as it is; under systemd the
 * key can come from a credential instead. A keychain that hangs is given up
 * on in seconds, and a data folder never switches between the keychain and a
 * key file on its own.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SecretStorageView } from '../../electron/api/schemas/secrets.js';
import { KEYCHAIN_DETECT_MS } from '../../electron/host/secret-storage.js';
import { ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { requireKeyringSession, withoutKeychain } from '../fixtures/keyring.js';
import { cliEntry } from '../fixtures/paths.js';
import { freePort } from '../fixtures/ports.js';
import { spawnProcess } from '../fixtures/process.js';
import { startRelayDesk, type ApiResponse } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { assertNoSecrets, filesUnder, type Place } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { startUpstream } from '../fixtures/upstream.js';

const KEY_NOTICE = /^Relay Desk keeps the key that encrypts its passwords and private keys in /;

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const settingsOf = async (dataDir: string) => JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as { secrets?: string };

/** A login over STARTTLS that stops once the relay has judged it. */
async function logsIn(port: number, user: string, password: string): Promise<boolean> {
  const result = await swaks(port, ['--tls', '--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
  return /^<~ +235 /m.test(result.output);
}

/** How long a start that must be refused may take before the test gives up on it. */
const REFUSAL_LIMIT_MS = 60_000;

/** `relay-desk serve` run to its end, for starts that must be refused; `wrapper` runs it inside another command. */
async function refusedServe(t: Parameters<typeof tempDir>[0], dataDir: string, env: NodeJS.ProcessEnv, extra: string[] = [], wrapper: string[] = []) {
  const args = [cliEntry, 'serve', '--data-dir', dataDir, '--admin-port', '0', '--smtp-port', String(await freePort()), ...extra];
  const [command, ...rest] = [...wrapper, process.execPath, ...args];
  const started = performance.now();
  // Its own process group, so that a start that was not refused is stopped with everything it started.
  const proc = spawnProcess(command ?? process.execPath, rest, { env, detached: true });
  const killAll = () => {
    if (proc.child.pid !== undefined && proc.child.exitCode === null && proc.child.signalCode === null) process.kill(-proc.child.pid, 'SIGKILL');
  };
  t.after(killAll);
  const timer = setTimeout(killAll, REFUSAL_LIMIT_MS);
  const exit = await proc.exited.finally(() => clearTimeout(timer));
  assert.equal(exit.signal, null, `serve was not refused within ${REFUSAL_LIMIT_MS} ms:\n${proc.lines.join('\n')}`);
  return { code: exit.code, lines: proc.lines, seconds: (performance.now() - started) / 1000 };
}

test('without a D-Bus session, serve keeps its vault key in a 0600 key file, says so once, relays mail, and a restart reads the same vault', async (t) => {
  const env = withoutKeychain(await tempDir(t, 'runtime'));
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const started = performance.now();
  const relay = await startRelayDesk(t, { dns, upstream, env });
  t.diagnostic(`spawn to "SMTP relay listening" without a keychain: ${Math.round(performance.now() - started)} ms`);
  const notices = relay.proc.lines.filter((l) => KEY_NOTICE.test(l));
  assert.equal(notices.length, 1, relay.proc.lines.join('\n'));
  const keyFile = join(relay.dataDir, 'vault.key');
  const tokenFile = join(relay.dataDir, 'admin.token');
  assert.equal(
    notices[0],
    `Relay Desk keeps the key that encrypts its passwords and private keys in the key file ${keyFile}, not in an OS keychain: ` +
      'no OS keychain could be reached (Cannot autolaunch D-Bus without X11 $DISPLAY). ' +
      `The key and the admin token beside it (${tokenFile}) are readable only by the user running Relay Desk; ` +
      'anyone who can read the data folder as that user, or a copy of it, can read those secrets. ' +
      `To keep the key in a keychain instead, stop Relay Desk and run \`relay-desk secrets migrate --to keychain --data-dir ${relay.dataDir}\` where a keychain is unlocked.`,
  );
  assert.match(relay.proc.lines.join('\n'), /^Relay Desk admin: http:\/\/127\.0\.0\.1:\d+\/ \(its sign-in token is in the data folder; /m);

  const responses: ApiResponse[] = [];
  const user = await senderUser(relay, dns, 'office.example', { note: 'front desk' });
  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example',
    '--tls', '--auth', 'PLAIN', '--auth-user', user.user, '--auth-password', user.password,
  ]);
  assert.equal(sent.code, 0, sent.output);
  const [received] = await upstream.waitForMessages(1);
  assert.deepEqual(received?.rcptTos, ['boss@example.org']);
  await relay.waitForMessage((m) => m.status === 'delivered');
  for (const method of ['users.list', 'secrets.storage', 'server.get', 'messages.list']) responses.push(await relay.call(method));
  const storage = (responses[1]?.body as { value: SecretStorageView }).value;
  assert.deepEqual({ kind: storage.kind, location: storage.location, notice: storage.notice }, { kind: 'file', location: `the key file ${keyFile}`, notice: notices[0] });

  // The CLI over SSH, as it is: no keychain there either.
  const status = await cliOk(['status', '--data-dir', relay.dataDir], { env });
  assert.match(status, new RegExp(`^Secrets: encrypted with a key kept in the key file ${keyFile}$`, 'm'));
  assert.equal((await cliOk(['admin-url', '--data-dir', relay.dataDir], { env })).trim(), relay.adminUrl);
  // Another user (an admin who forgot sudo -u) is told whose folder it is, not that nothing runs.
  assertOneLineError(
    await cli(['status', '--data-dir', relay.dataDir], { env, uid: 65534 }),
    new RegExp(`^relay-desk: ${relay.dataDir} is private to the user that runs Relay Desk for it: run relay-desk as that user \\(for the system service: sudo -u relay-desk `),
  );

  const key = (await readFile(keyFile, 'utf8')).trim();
  assert.equal(Buffer.from(key, 'base64').length, 32, 'a 32-byte key, base64');
  assert.equal(await readFile(keyFile, 'utf8'), `${key}\n`, 'the key file holds the key and nothing else');
  assert.equal(await readFile(tokenFile, 'utf8'), `${relay.token}\n`, 'the token file holds the token and nothing else');
  assert.equal(await modeOf(keyFile), 0o600);
  assert.equal(await modeOf(tokenFile), 0o600);
  assert.equal(await modeOf(relay.dataDir), 0o700);
  assert.equal((await settingsOf(relay.dataDir)).secrets, 'file', 'the choice is recorded, so no later start switches silently');
  await relay.interrupt();

  // Nothing secret anywhere but in the two files made to hold the key and the token.
  const places: Place[] = [
    ...(await filesUnder(relay.dataDir)).filter(([path]) => path !== keyFile && path !== tokenFile),
    ['host output', relay.proc.lines.join('\n')],
    ...responses.map((r, i): Place => [`API response ${i}`, JSON.stringify(r.body)]),
  ];
  assert.ok(places.some(([path]) => path.endsWith('secrets.vault')) && places.some(([path]) => path.endsWith('users.jsonl')));
  assertNoSecrets(places, [
    ['the password', user.password],
    ['the admin token', relay.token],
    ['the vault key', key],
  ]);

  const again = await startRelayDesk(t, { dataDir: relay.dataDir, dns, upstream, env });
  assert.equal(again.token, relay.token, 'the same admin token');
  assert.equal(again.proc.lines.filter((l) => KEY_NOTICE.test(l)).length, 1, 'said once at every start');
  assert.match(again.proc.lines.find((l) => KEY_NOTICE.test(l)) ?? '', /: this data folder was set up that way\./);
  assert.equal(await logsIn(again.smtpPort, user.user, user.password), true, 'the password verifier came back out of the vault');
  assert.equal((await readFile(keyFile, 'utf8')).trim(), key, 'the same key');
});

test('under systemd the vault key can come from a credential ($CREDENTIALS_DIRECTORY/vault-key), and is then not kept in the data folder', async (t) => {
  const credentials = await tempDir(t, 'credentials');
  // As systemd hands a loaded credential to the service: a read-only file in a private folder.
  await writeFile(join(credentials, 'vault-key'), randomBytes(32).toString('base64'), { mode: 0o400 });
  const runtime = await tempDir(t, 'runtime');
  const env = { ...withoutKeychain(runtime), CREDENTIALS_DIRECTORY: credentials };
  const relay = await startRelayDesk(t, { env, secrets: 'file' });
  assert.match(relay.proc.lines.find((l) => KEY_NOTICE.test(l)) ?? '', /in the systemd credential vault-key, not in an OS keychain: --secrets file asked for it\./);
  const created = await ok(relay, 'users.create', {});
  await relay.interrupt();
  assert.equal(await exists(join(relay.dataDir, 'vault.key')), false, 'no copy of the key in the data folder');
  assert.equal(await exists(join(relay.dataDir, 'admin.token')), true, 'the token stays where the CLI can read it');

  const again = await startRelayDesk(t, { dataDir: relay.dataDir, env, secrets: 'file' });
  assert.equal(await logsIn(again.smtpPort, created.user.name, created.password), true);
  await again.interrupt();

  // The vault really is locked with the credential's key: without it nothing opens.
  const without = await refusedServe(t, relay.dataDir, withoutKeychain(runtime), ['--secrets', 'file']);
  assert.equal(without.code, 1);
  assert.match(without.lines.join('\n'), /secrets\.vault exists but the key file .*vault\.key has no key for it/);
});

test('--secrets keychain on a machine without one is refused, saying how to go on, and leaves the choice open', async (t) => {
  const dataDir = await tempDir(t, 'data');
  const env = withoutKeychain(await tempDir(t, 'runtime'));
  const refused = await refusedServe(t, dataDir, env, ['--secrets', 'keychain']);
  assert.equal(refused.code, 1);
  assert.deepEqual(refused.lines, [
    'relay-desk: No OS keychain is available (Cannot autolaunch D-Bus without X11 $DISPLAY). ' +
      'On Linux, install gnome-keyring (or another Secret Service such as KeePassXC) and run Relay Desk in a desktop session with the keyring unlocked. ' +
      'Or start with --secrets file to keep the key in a file in the data folder.',
  ]);
  assert.equal((await settingsOf(dataDir)).secrets, undefined);
  assert.equal(await exists(join(dataDir, 'vault.key')), false);
  const bad = await cli(['serve', '--secrets', 'vault']);
  assertOneLineError(bad, /--secrets must be keychain or file, got "vault"; see relay-desk serve --help$/);
  assert.equal(bad.code, 2);
});

test('a data folder that keeps its key in the keychain refuses to start without it, and --secrets file is refused there: never a silent switch', async (t) => {
  requireKeyringSession();
  const desktop = await startRelayDesk(t);
  assert.equal(desktop.proc.lines.some((l) => KEY_NOTICE.test(l)), false, 'with a keychain, no notice');
  assert.equal((await ok(desktop, 'secrets.storage', {})).kind, 'keychain');
  await desktop.interrupt();
  assert.equal((await settingsOf(desktop.dataDir)).secrets, 'keychain');

  const headless = await refusedServe(t, desktop.dataDir, withoutKeychain(await tempDir(t, 'runtime')));
  assert.equal(headless.code, 1);
  assert.equal(headless.lines.length, 1, headless.lines.join('\n'));
  assert.match(
    headless.lines[0] ?? '',
    new RegExp(
      '^relay-desk: No OS keychain is available \\(Cannot autolaunch D-Bus without X11 \\$DISPLAY\\)\\. .* This data folder keeps its vault key in that keychain: ' +
        `start Relay Desk where it is unlocked .*, or move the key to a file there with \`relay-desk secrets migrate --to file --data-dir ${desktop.dataDir}\`\\.$`,
    ),
  );

  const forced = await refusedServe(t, desktop.dataDir, process.env, ['--secrets', 'file']);
  assert.equal(forced.code, 1);
  assert.deepEqual(forced.lines, [
    `relay-desk: This data folder keeps its vault key in this user's OS keychain, so --secrets file would find no key for its passwords and private keys. ` +
      `To move the key, stop Relay Desk and run \`relay-desk secrets migrate --to file --data-dir ${desktop.dataDir}\`, then start it again.`,
  ]);
  assert.equal(await exists(join(desktop.dataDir, 'vault.key')), false, 'no key file was made');
  assert.equal((await settingsOf(desktop.dataDir)).secrets, 'keychain');
});

test('a keychain whose service hangs while starting is given up on within seconds, not after D-Bus\'s 25 s, and is not passed over for a file', async (t) => {
  const dataDir = await tempDir(t, 'data');
  // A session bus whose Secret Service cannot start: D-Bus activates gnome-keyring, which makes its
  // sockets in $XDG_RUNTIME_DIR or else under $HOME; with neither usable it never takes its D-Bus
  // name, and libsecret waits for the activation until D-Bus's own timeout.
  const env: NodeJS.ProcessEnv = { ...withoutKeychain(await tempDir(t, 'runtime')), HOME: join(dataDir, 'no-such-home') };
  delete env.XDG_RUNTIME_DIR;
  const refused = await refusedServe(t, dataDir, env, [], ['dbus-run-session', '--']);
  t.diagnostic(`refused after ${refused.seconds.toFixed(1)} s`);
  assert.equal(refused.code, 1, refused.lines.join('\n'));
  const line = refused.lines.find((l) => l.startsWith('relay-desk: ')) ?? '';
  assert.equal(
    line,
    `relay-desk: The OS keychain did not answer within ${KEYCHAIN_DETECT_MS / 1000} s (it may be locked and waiting for its password, or its service may be failing to start). ` +
      'Unlock it and start again, or start with --secrets file to keep the key in a file in the data folder instead.',
    refused.lines.join('\n'),
  );
  assert.ok(refused.seconds < 20, `refused after ${refused.seconds} s`);
  assert.equal(await exists(join(dataDir, 'vault.key')), false, 'no key file behind a keychain that may be there');
});
