import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { RelayState } from '../api/contract.js';
import { HOST_LOG, openLogs, RELAY_LOG } from '../host/logs.js';
import { loggedLaunch, relayLogLines } from '../host/relay-log.js';
import type { RelayChild } from '../host/relay-process.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-logs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// electron-log pads the level so that every message starts in the same column.
const LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[(info|warn|error)\] +/;

async function lines(dir: string, file: string): Promise<string[]> {
  return (await readFile(join(dir, file), 'utf8')).split('\n').filter(Boolean);
}

/** A line without its time, the level's padding collapsed. */
const levelAndText = (line: string) => line.replace(/^\[[^\]]+\] /, '').replace(/^(\[\w+\]) +/, '$1 ');

test('host and relay each write their own file, a timestamp and a level on every line, private to the user', async (t) => {
  const dir = join(await tempDir(t), 'logs');
  const logs = await openLogs(dir, { terminal: false });
  logs.host.info('host started');
  logs.relay.warn('relay said something');
  logs.host.error('internal error:', new Error('boom'));
  const host = await lines(dir, HOST_LOG);
  assert.equal(levelAndText(host[0] ?? ''), '[info] host started');
  assert.match(levelAndText(host[1] ?? ''), /^\[error\] internal error: Error: boom/);
  assert.ok(host.some((l) => l.includes('logs.test')), 'the stack is kept');
  assert.deepEqual(await lines(dir, RELAY_LOG).then((l) => l.map((x) => x.replace(LINE, ''))), ['relay said something']);
  for (const l of [...host.filter((x) => x.startsWith('[')), ...(await lines(dir, RELAY_LOG))]) assert.match(l, LINE);
  for (const file of [HOST_LOG, RELAY_LOG]) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('a log past its size is moved aside to .old.log and a new one begun, so two files at most are kept', async (t) => {
  const dir = await tempDir(t);
  const logs = await openLogs(dir, { terminal: false, maxBytes: 2_000 });
  for (let i = 0; i < 100; i++) logs.host.info(`line ${i} ${'x'.repeat(40)}`);
  assert.deepEqual((await readdir(dir)).sort(), ['host.old.log', 'host.log'].sort());
  assert.ok((await stat(join(dir, HOST_LOG))).size <= 2_000 + 200);
  const newest = await lines(dir, HOST_LOG);
  assert.match(newest.at(-1) ?? '', /line 99 /);
});

test('the relay log says when the process started and how it ended, and what it printed', async (t) => {
  const dir = await tempDir(t);
  const logs = await openLogs(dir, { terminal: false });
  const listeners: { output?: (line: string) => void; exit?: (code: number | null, signal: string | null) => void } = {};
  // A stand-in child: only its lifecycle calls matter to the log.
  const child: RelayChild = {
    pid: 4242,
    send: () => undefined,
    onMessage: () => undefined,
    onExit: (l) => (listeners.exit = l),
    kill: () => undefined,
    onOutput: (l) => (listeners.output = l),
  };
  loggedLaunch(() => child, logs.relay)();
  listeners.output?.('TypeError: boom');
  listeners.exit?.(null, 'SIGKILL');
  const logged = (await lines(dir, RELAY_LOG)).map(levelAndText);
  assert.deepEqual(logged, ['[info] relay process 4242 started', '[warn] TypeError: boom', '[error] relay process 4242 stopped by signal SIGKILL']);
});

test('relay states are logged once per change: ports at info, a problem or a closed port at warn', async (t) => {
  const dir = await tempDir(t);
  const logs = await openLogs(dir, { terminal: false });
  const log = relayLogLines(logs.relay);
  const listening: RelayState = { status: 'running', queued: 0, listeners: [{ port: 2525, address: '0.0.0.0', encryption: 'starttls', clearTextLogins: false, status: 'listening' }] };
  log.state(listening);
  log.state(listening);
  log.state({ status: 'restarting', queued: 0, listeners: [], problem: 'The relay process exited with code 1; restarting in 0.5 s.' });
  log.event({ type: 'config-rejected', reason: 'port 80 needs privileges' });
  const logged = (await lines(dir, RELAY_LOG)).map(levelAndText);
  assert.deepEqual(logged, [
    '[info] SMTP relay listening on 0.0.0.0:2525',
    '[warn] The relay process exited with code 1; restarting in 0.5 s.',
    '[error] The relay refused its configuration: port 80 needs privileges',
  ]);
});
