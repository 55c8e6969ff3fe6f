/**
 * Nothing the relay accepted is ever lost: not when it is killed under load,
 * not while the upstream is down or refusing, and a message it finally
 * cannot deliver comes back to its sender as a bounce.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test, type TestContext } from 'node:test';
import type { DeliveryConfig, RelayConfig } from '../../relay/protocol.js';
import { metaLine, newQueueId, type MessageMeta } from '../../relay/queue/spool.js';
import { freePort } from '../fixtures/ports.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { unfolded } from '../fixtures/messages.js';
import { nodemailerSend, swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { startUpstream, type ReceivedMessage } from '../fixtures/upstream.js';

const USER = { name: 's300_0', password: 'Dur4ble!pass' };
const login = ['--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password];

function smarthost(port: number): DeliveryConfig {
  return { mode: 'smarthost', host: '127.0.0.1', port, security: 'none', auth: null, rejectUnauthorized: true };
}

async function relayTo(t: TestContext, port: number, change: Partial<RelayConfig> = {}): Promise<RelayChild> {
  return startRelayChild(t, { users: [await relayUser(USER)], delivery: smarthost(port), ...change });
}

/** The queue id the relay wrote into its Received header. */
function queueIdOf(message: ReceivedMessage): string {
  const id = /\(Relay Desk\) with \w+\s+id\s+([0-9A-Z]+)/.exec(unfolded(message.raw))?.[1];
  assert.ok(id, 'relayed message carries its queue id');
  return id;
}

test('killed with SIGKILL under load and restarted: every accepted message reaches the upstream', async (t) => {
  const upstream = await startUpstream(t);
  // Slow the first deliveries down so that mail is waiting in the spool when the relay dies.
  await upstream.refuseWith('451 4.3.0 Not yet');
  const relay = await relayTo(t, upstream.port);
  const accepted = new Set<string>();
  const clients = Array.from({ length: 8 }, (_, c) =>
    nodemailerSend({
      port: relay.port,
      auth: { user: USER.name, pass: USER.password },
      messages: Array.from({ length: 40 }, (_, n) => ({ from: 'load@office.example', to: ['sink@example.org'], subject: `Load ${c}-${n}`, text: `message ${c}-${n}` })),
    })
      .then((infos) => infos.forEach((i) => accepted.add(/queued as ([0-9A-Z]+)/.exec(i.response)?.[1] ?? '')))
      // The kill cuts this client's session: what it sent before counts through the relay's own events below.
      .catch(() => undefined),
  );
  await relay.waitForEvents('accepted', 60);
  await relay.kill('SIGKILL');
  await Promise.all(clients);
  for (const e of relay.events) if (e.type === 'accepted') accepted.add(e.id);
  accepted.delete('');
  assert.ok(accepted.size >= 60);

  await upstream.accept();
  const restarted = await relay.restart(t);
  // Messages committed in the instant before the kill may have had no event
  // yet: the queue, not the count, says when everything is out.
  await restarted.waitForEmptyQueue(60_000);
  const arrived = new Set((await upstream.received()).map(queueIdOf));
  const lost = [...accepted].filter((id) => !arrived.has(id));
  assert.deepEqual(lost, [], 'no accepted message is lost');
  // Emptied .spare files are kept for reuse; no message is left.
  assert.deepEqual((await readdir(relay.spoolDir)).filter((f) => !f.endsWith('.state') && !f.endsWith('.spare')), [], 'the spool is empty again');
});

test('upstream refusing for a while (451): deferred with the reason and next attempt, then delivered', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  const relay = await relayTo(t, upstream.port);
  const sentAt = Date.now();
  for (let i = 0; i < 3; i++) {
    const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', `r${i}@example.org`, '--header', 'From: a@office.example', ...login]);
    assert.equal(sent.code, 0, sent.output);
  }
  const deferred = await relay.waitForEvent('deferred');
  assert.match(deferred.error, /451 4\.3\.0 Upstream busy/);
  // A time after the message came in; how far after depends on the retry delays, not on how busy this machine is.
  assert.ok(Date.parse(deferred.nextAttemptAt) >= sentAt, deferred.nextAttemptAt);
  await relay.waitForEvent('queue', (e) => e.queued === 3 && e.deferred >= 1);
  await upstream.accept();
  assert.equal((await upstream.waitForMessages(3)).length, 3);
  await relay.waitForEmptyQueue();
});

test('upstream down (nothing listening), then started: the queued mail goes out', async (t) => {
  const port = await freePort(20000, 30000);
  const relay = await relayTo(t, port);
  const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'b@example.org', '--header', 'From: a@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const deferred = await relay.waitForEvent('deferred');
  assert.match(deferred.error, /ECONNREFUSED|connect|refused/i);
  const upstream = await startUpstream(t, { port });
  const [received] = await upstream.waitForMessages(1);
  assert.deepEqual(received?.rcptTos, ['b@example.org']);
});

test('past the maximum lifetime the sender gets a bounce through the same upstream', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.rejectRecipient('gone@example.org', '451 4.2.1 Mailbox busy');
  const relay = await relayTo(t, upstream.port, { retry: { delaysMs: [100], maxLifetimeMs: 1_500 } });
  const sent = await swaks(relay.port, ['--from', 'clerk@office.example', '--to', 'gone@example.org', '--header', 'From: clerk@office.example', '--header', 'Subject: Quarterly report', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const bounced = await relay.waitForEvent('bounced', undefined, 30_000);
  assert.deepEqual(bounced.recipients, ['gone@example.org']);
  assert.match(bounced.reason, /Gave up after \d+ attempts over 2 seconds: .*451 4\.2\.1 Mailbox busy/);
  const [bounce] = await upstream.waitForMessages(1);
  assert.ok(bounce);
  assert.equal(bounce.mailFrom, '<>', 'a bounce has the null sender');
  assert.deepEqual(bounce.rcptTos, ['clerk@office.example']);
  const text = bounce.raw.toString();
  assert.match(text, /Content-Type: multipart\/report; report-type=delivery-status/);
  assert.match(text, /Final-Recipient: rfc822; ?gone@example\.org/);
  assert.match(text, /Action: failed/);
  assert.match(text, /Subject: Quarterly report/);
});

test('a permanent refusal (550) bounces at once; the other recipient is delivered', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.rejectRecipient('nobody@example.org', '550 5.1.1 No such user');
  const relay = await relayTo(t, upstream.port);
  const sent = await swaks(relay.port, ['--from', 'clerk@office.example', '--to', 'nobody@example.org,someone@example.org', '--header', 'From: clerk@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const bounced = await relay.waitForEvent('bounced');
  assert.match(bounced.reason, /550 5\.1\.1 No such user/);
  const received = await upstream.waitForMessages(2);
  const original = received.find((m) => m.mailFrom === 'clerk@office.example');
  const bounce = received.find((m) => m.mailFrom === '<>');
  assert.deepEqual(original?.rcptTos, ['someone@example.org']);
  assert.match(bounce?.raw.toString() ?? '', /Status: 5\.1\.1/);
});

test('a graceful stop keeps the queue on disk; the next start delivers it', async (t) => {
  const port = await freePort(20000, 30000);
  const relay = await relayTo(t, port);
  const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'b@example.org', '--header', 'From: a@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  await relay.waitForEvent('deferred');
  relay.child.send({ type: 'stop' });
  await relay.waitForEvent('stopped');
  await new Promise((resolve) => relay.child.once('exit', resolve));
  assert.equal((await readdir(relay.spoolDir)).filter((f) => f.endsWith('.msg')).length, 1);
  const upstream = await startUpstream(t, { port });
  await relay.restart(t);
  assert.equal((await upstream.waitForMessages(1)).length, 1);
});

test('while its queue is still loading the relay already takes mail, and its queue snapshot lists that mail too', async (t) => {
  const spoolDir = join(await tempDir(t, 'loading'), 'spool');
  await mkdir(spoolDir, { mode: 0o700 });
  const queuedId = newQueueId();
  const meta: MessageMeta = {
    v: 1,
    id: queuedId,
    envelope: { from: 'earlier@office.example', to: ['c@example.org'] },
    user: USER.name,
    via: 'auth',
    priority: 3,
    acceptedAt: Date.now() - 60_000,
    from: 'earlier@office.example',
    subject: 'Queued before the restart',
    fromDomain: 'office.example',
    campaign: null,
    tls: false,
  };
  await writeFile(join(spoolDir, `${queuedId}.msg`), Buffer.concat([metaLine(meta), Buffer.from('Subject: Queued before the restart\r\n\r\nHello\r\n')]));
  // A queued file that is a FIFO holds the queue's loading until the test opens it for writing:
  // a long queue's load (150,000 messages take seconds), made to last as long as the test needs.
  // A FIFO cannot be read from an offset, so the relay then sets it aside as unreadable.
  const gate = join(spoolDir, `${newQueueId()}.msg`);
  await promisify(execFile)('mkfifo', ['-m', '600', gate]);
  const relay = await startRelayChild(t, { users: [await relayUser(USER)], spoolDir });

  const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'b@example.org', '--header', 'From: a@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const accepted = await relay.waitForEvent('accepted');
  assert.ok(!relay.events.some((e) => e.type === 'queue-snapshot'), 'the queue was still loading when the mail was accepted');

  await (await open(gate, 'w')).close();
  const snapshot = await relay.waitForEvent('queue-snapshot');
  assert.deepEqual(snapshot.messages.map((m) => m.id).sort(), [queuedId, accepted.id].sort(), 'the queue found at start and the mail accepted meanwhile');
  const aside = await relay.waitForEvent('spool-set-aside');
  assert.match(aside.files[0]?.file ?? '', /unreadable/);
});
