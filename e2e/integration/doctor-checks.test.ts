/**
 * Troubleshooting against the real host and relay: a login tested through
 * the relay's own check (and counted toward a block, as a real SMTP AUTH
 * then finds), the ports probed on every local address, a port another
 * process holds, and `relay-desk doctor`'s lines and exit codes.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DoctorReport } from '../../electron/api/schemas/doctor.js';
import { ok } from '../fixtures/api.js';
import { cli } from '../fixtures/cli.js';
import { onCleanup } from '../fixtures/cleanup.js';
import { takenPort } from '../fixtures/ports.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { startUpstream } from '../fixtures/upstream.js';

const lanAddress = (report: DoctorReport, port: number) => report.checks.find((c) => c.id === `port:${port}`);

test('a tested login answers ok, wrong password, inactive or unknown; failures block the client address as real logins do', async (t) => {
  const relay = await startRelayDesk(t);
  const created = await ok(relay, 'users.create', {});
  const name = created.user.name;
  const password = created.password;

  assert.deepEqual(await ok(relay, 'doctor.testLogin', { user: name, password }), { result: 'ok', blockedUntil: null, explanation: `${name} logs in with this password.` });
  const wrong = await ok(relay, 'doctor.testLogin', { user: name, password: 'not-it', client: '127.0.0.31' });
  assert.deepEqual([wrong.result, wrong.blockedUntil], ['wrong-password', null]);
  assert.equal((await ok(relay, 'doctor.testLogin', { user: 's9_99', password })).result, 'unknown-user');
  await ok(relay, 'users.update', { name, active: false });
  const inactive = await ok(relay, 'doctor.testLogin', { user: name, password });
  assert.equal(inactive.result, 'inactive');
  assert.match(inactive.explanation, /The password is right, but s\d+_\d+ is inactive/);
  await ok(relay, 'users.update', { name, active: true });

  // The relay blocks an address after 10 failures in 10 minutes: one done above, nine more here.
  let last = wrong;
  for (let i = 0; i < 9; i++) last = await ok(relay, 'doctor.testLogin', { user: name, password: `wrong-${i}`, client: '127.0.0.31' });
  assert.equal(last.result, 'wrong-password');
  assert.ok(last.blockedUntil !== null && Date.parse(last.blockedUntil) > Date.now(), 'the tenth failure started a block');
  assert.match(last.explanation, /Too many failed logins from 127\.0\.0\.31: its logins are blocked until \d\d:\d\d UTC\./);
  const blocked = await ok(relay, 'doctor.testLogin', { user: name, password, client: '127.0.0.31' });
  assert.deepEqual([blocked.result, blocked.blockedUntil], ['blocked', last.blockedUntil]);

  // A device at that address now meets the block in a real session, even with the right password.
  // (Logins allowed before TLS on this port, so the raw session below needs no TLS.)
  await ok(relay, 'server.setListener', { port: relay.smtpPort, encryption: 'starttls', requireTlsForAuth: false });
  const device = await rawSmtp(relay.smtpPort, { localAddress: '127.0.0.31' });
  onCleanup(t, () => device.close());
  await device.reply();
  await device.command('EHLO device.test');
  const auth = await device.command(`AUTH PLAIN ${plainAuth(name, password)}`);
  assert.match(auth.text, /^454 4\.7\.0 Too many failed logins from 127\.0\.0\.31; try again after \d\d:\d\d UTC/);

  // The command line: the password from standard input, the exit code from the result.
  const good = await cli(['doctor', 'login', name, '--data-dir', relay.dataDir], { stdin: `${password}\n` });
  assert.deepEqual([good.code, good.stdout], [0, `ok: ${name} logs in with this password.\n`]);
  const bad = await cli(['doctor', 'login', name, '--data-dir', relay.dataDir], { stdin: 'nope\n' });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^wrong-password: Wrong password for s\d+_\d+/);
  const none = await cli(['doctor', 'login', name, '--data-dir', relay.dataDir], { stdin: '' });
  assert.deepEqual([none.code, none.stderr], [1, 'relay-desk: doctor login: no password was given\n']);

  // Neither password reached a log.
  const logs = join(relay.dataDir, 'logs');
  for (const file of await readdir(logs)) {
    const text = await readFile(join(logs, file), 'utf8');
    assert.ok(!text.includes(password) && !text.includes('wrong-3'), `${file} holds a tested password`);
  }
});

test('doctor probes each port on every local address; a port another process holds is a problem with free ports to use instead', async (t) => {
  const relay = await startRelayDesk(t, { upstream: await startUpstream(t) });
  const report = await ok(relay, 'doctor.run', {});
  const port = lanAddress(report, relay.smtpPort);
  assert.equal(port?.status, 'ok', JSON.stringify(port));
  assert.match(port.summary, /answers on \d+ address\(es\) with STARTTLS, and AUTH only after it/);
  assert.match(port.details[0] ?? '', new RegExp(`^127\\.0\\.0\\.1:${relay.smtpPort}: answers; 220 .*; EHLO: .*STARTTLS.*; after STARTTLS: .*AUTH`));
  assert.doesNotMatch(port.details[0] ?? '', /EHLO: [^;]*AUTH/, 'no AUTH offered before TLS on this port');
  const server = await ok(relay, 'server.get', {});
  for (const address of server.lanAddresses.filter((a) => !a.includes(':'))) {
    assert.ok(port.details.some((d) => d.startsWith(`${address}:${relay.smtpPort}: answers`)), `probed on ${address}: ${port.details.join(' / ')}`);
  }
  assert.equal(report.checks.find((c) => c.id === 'relay')?.status, 'ok');
  assert.equal(report.checks.find((c) => c.id === 'certificate')?.status, 'warning', 'the first-run certificate is self-signed');

  const all = await cli(['doctor', '--data-dir', relay.dataDir]);
  assert.equal(all.code, 0, 'warnings are not problems');
  assert.match(all.stdout, new RegExp(`^ok +Port ${relay.smtpPort}: Port ${relay.smtpPort} answers`, 'm'));
  assert.match(all.stdout, /^warning +TLS certificate: The certificate is self-signed .*\n +fix: /m);

  // Another program holds a port before the relay is told to open it.
  const heldPort = await takenPort(t);
  await ok(relay, 'server.setListener', { port: heldPort, encryption: 'starttls', create: true });
  await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === heldPort && l.status === 'error'));
  const withProblem = await ok(relay, 'doctor.run', {});
  const taken = lanAddress(withProblem, heldPort);
  assert.equal(taken?.status, 'problem');
  assert.match(taken.summary, new RegExp(`^The relay could not open port ${heldPort}: Port ${heldPort} is already used by another program`));
  const free = /Free allowed ports here: ([\d, ]+)\./.exec(taken.fix ?? '')?.[1]?.split(', ').map(Number) ?? [];
  assert.ok(free.length > 0, taken.fix ?? '');
  assert.ok(!free.includes(heldPort) && !free.includes(relay.smtpPort), `${free.join(',')} are free, not the ports in use`);
  assert.equal(lanAddress(withProblem, relay.smtpPort)?.status, 'ok', 'the other port still answers');

  const failing = await cli(['doctor', '--data-dir', relay.dataDir]);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, new RegExp(`^PROBLEM +Port ${heldPort}: The relay could not open port ${heldPort}`, 'm'));
  const json = JSON.parse((await cli(['doctor', '--json', '--data-dir', relay.dataDir])).stdout) as DoctorReport;
  assert.equal(json.checks.find((c) => c.id === `port:${heldPort}`)?.status, 'problem');
});
