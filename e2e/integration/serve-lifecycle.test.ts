/**
 * `relay-desk serve` as a user runs it: no configuration needed, Ctrl-C stops
 * everything, a crashed relay comes back, a busy port is explained.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { onCleanup } from '../fixtures/cleanup.js';
import { cliEntry } from '../fixtures/paths.js';
import { freePort, takenPort } from '../fixtures/ports.js';
import { spawnProcess } from '../fixtures/process.js';
import { isRunning, startRelayDesk } from '../fixtures/relay-desk.js';
import { tempDir } from '../fixtures/temp.js';
import { waitUntil } from '../fixtures/wait.js';

test('serve for a fresh user: the data folder in the app data folder, the relay on the port given, the admin URL without its token', async (t) => {
  const home = await tempDir(t, 'home');
  // A fresh user, no data folder; the ports are this test's own (the defaults' values are a unit test, fresh-settings.test.ts).
  const [smtpPort, adminPort] = [await freePort(), await freePort()];
  const proc = spawnProcess(process.execPath, [cliEntry, 'serve', '--smtp-port', String(smtpPort), '--admin-port', String(adminPort)], {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: `${home}/.local/share` },
  });
  onCleanup(t, () => proc.stop('SIGINT'));
  const admin = await proc.waitForLine(/^Relay Desk admin: /);
  assert.equal(admin, `Relay Desk admin: http://127.0.0.1:${adminPort}/ (its sign-in token is in this user's keychain; \`relay-desk admin-url\` prints the full address)`);
  assert.doesNotMatch(proc.lines.join('\n'), /token=/, 'no token in output that is not a terminal');
  await proc.waitForLine(new RegExp(`^SMTP relay listening on 0\\.0\\.0\\.0:${smtpPort}$`));
  assert.ok(proc.lines.includes(`Data folder: ${home}/.local/share/relay-desk`));
  const settings = JSON.parse(await readFile(`${home}/.local/share/relay-desk/settings.json`, 'utf8')) as { server: { listeners: { port: number }[] } };
  assert.deepEqual(settings.server.listeners.map((l) => l.port), [smtpPort], '--smtp-port sets the port: no 2525 beside it');
});

test('serve --smtp-port on an installation with only the default port moves it there: no port 2525 left to fail', async (t) => {
  const first = await startRelayDesk(t);
  await first.interrupt();
  // The settings as a fresh install without the flag writes them.
  const file = join(first.dataDir, 'settings.json');
  const settings = JSON.parse(await readFile(file, 'utf8')) as { server: { listeners: { port: number }[] } };
  assert.equal(settings.server.listeners.length, 1);
  settings.server.listeners[0] = { ...settings.server.listeners[0], port: 2525 };
  await writeFile(file, JSON.stringify(settings));

  const relay = await startRelayDesk(t, { dataDir: first.dataDir });
  const state = await relay.waitForRelayState((s) => s.listeners.length > 0);
  assert.deepEqual(state.listeners.map((l) => [l.port, l.status]), [[relay.smtpPort, 'listening']]);
  assert.doesNotMatch(relay.proc.lines.join('\n'), /2525/);
});

test('Ctrl-C stops the host and the relay child, leaving no orphan', async (t) => {
  const relay = await startRelayDesk(t);
  const relayPid = await relay.relayPid();
  assert.ok(relayPid && isRunning(relayPid), 'the relay child runs');
  const exit = await relay.interrupt();
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(relay.proc.lines.includes('Relay Desk stopped.'));
  assert.equal(isRunning(relayPid), false, 'the relay child is gone');
});

test('if the host is killed outright, the relay child notices and exits', async (t) => {
  const relay = await startRelayDesk(t);
  const relayPid = await relay.relayPid();
  assert.ok(relayPid);
  relay.proc.child.kill('SIGKILL');
  await relay.proc.exited;
  await waitUntil('the orphaned relay exits', () => !isRunning(relayPid));
});

test('a killed relay is restarted and reports its ports again', async (t) => {
  const relay = await startRelayDesk(t);
  const first = await relay.relayPid();
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  const restarting = await relay.waitForRelayState((s) => s.status === 'restarting');
  assert.match(restarting.problem ?? '', /stopped by signal SIGKILL; restarting/);
  const running = await relay.waitForRelayState((s) => s.status === 'running');
  assert.equal(running.listeners[0]?.status, 'listening');
  assert.equal(running.listeners[0].port, relay.smtpPort);
  const second = await relay.relayPid();
  assert.ok(second && second !== first, 'a new relay process runs');
});

test('a port already in use is reported in plain words and the admin UI still works', async (t) => {
  const port = await takenPort(t, '127.0.0.1');
  const relay = await startRelayDesk(t, { smtpPort: port });
  await relay.proc.waitForLine(new RegExp(`could not listen on port ${port}: Port ${port} is already used by another program`));
  const status = await relay.call('relay.status');
  assert.equal(status.status, 200);
  const listener = (status.body as { value: { listeners: { status: string; error?: string }[] } }).value.listeners[0];
  assert.equal(listener?.status, 'error');
  assert.match(listener.error ?? '', /Stop that program or choose another port/);
});

test('bad options get a one-line reason and a non-zero exit', async () => {
  for (const [args, reason] of [
    [['--smtp-port', '8080'], /--smtp-port must be 25, 80, 465, 587 or between 1025 and 5000, got 8080/],
    [['--upstream', 'nohost'], /--upstream must be HOST:PORT/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    const proc = spawnProcess(process.execPath, [cliEntry, 'serve', ...args]);
    const exit = await proc.exited;
    assert.equal(exit.code, 2);
    assert.equal(proc.lines.length, 1, proc.lines.join('\n'));
    assert.match(proc.lines[0] ?? '', reason);
  }
});

test('an unreadable file in the mail queue is moved aside and reported; the relay still starts', async (t) => {
  const dataDir = await tempDir(t, 'data');
  await mkdir(join(dataDir, 'spool'), { recursive: true });
  await writeFile(join(dataDir, 'spool', 'MWX00000000DEADBEEF.msg'), 'garbage where the metadata should be\n');
  const relay = await startRelayDesk(t, { dataDir });
  const state = await relay.waitForRelayState((s) => s.status === 'running' && s.problem !== undefined);
  assert.equal(state.listeners[0]?.status, 'listening');
  assert.match(state.problem ?? '', new RegExp(`1 queued message file\\(s\\) could not be read and were moved to ${join(dataDir, 'spool', 'unreadable').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(await readFile(join(dataDir, 'spool', 'unreadable', 'MWX00000000DEADBEEF.msg'), 'utf8'), 'garbage where the metadata should be\n');
});
