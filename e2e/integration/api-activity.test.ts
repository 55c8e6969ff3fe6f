/**
 * The send status: what happened to every message, recorded in the journal
 * as it happens, there again after a restart, and matched to the queue after
 * a crash.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

test('delivered, deferred and refused mail shows in the send status, and stays there after a restart', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { upstream, dns });
  const { user, password } = await senderUser(relay, dns, 'office.example');
  const login = ['--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];
  const send = (subject: string) =>
    swaks(relay.smtpPort, ['--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`, ...login]);

  assert.equal((await send('Delivered one')).code, 0);
  await upstream.waitForMessages(1);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  assert.equal((await send('Waiting one')).code, 0);
  await upstream.waitForRefusals(1);
  const refused = await swaks(relay.smtpPort, ['--from', 'someone@elsewhere.example', '--to', 'boss@example.org', ...login]);
  assert.match(refused.output, /553 5\.7\.1/);

  await relay.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'deferred');
  await relay.waitForMessage((m) => m.subject === 'Delivered one' && m.status === 'delivered');
  const listed = await ok(relay, 'activity.list', {});
  const delivered = listed.messages.find((m) => m.subject === 'Delivered one');
  assert.equal(delivered?.status, 'delivered');
  assert.equal(delivered.user, user);
  assert.deepEqual(delivered.to, ['boss@example.org']);
  const waiting = listed.messages.find((m) => m.subject === 'Waiting one');
  assert.match(waiting?.lastError ?? '', /451 4\.3\.0 Upstream busy/);
  assert.ok(waiting?.nextAttemptAt);
  assert.equal(listed.counts.deferred, 1);
  assert.equal(listed.counts.deliveredToday, 1);
  assert.match(listed.refusals[0]?.reply ?? '', /553 5\.7\.1 Sender <someone@elsewhere\.example> is not authorized/);

  await relay.interrupt();
  await upstream.accept();
  const again = await startRelayDesk(t, { upstream, dns, dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  const before = await ok(again, 'activity.list', {});
  assert.equal(before.messages.find((m) => m.subject === 'Delivered one')?.status, 'delivered', 'the journal survived the restart');
  await upstream.waitForMessages(2);
  await again.waitForMessage((m) => m.subject === 'Waiting one' && m.status === 'delivered');
  assert.equal((await ok(again, 'activity.list', {})).counts.deferred, 0);
});
