/**
 * Delivery through a smarthost, against a real SMTP server (aiosmtpd) set up
 * as providers set theirs up: plain, STARTTLS or implicit TLS, with AUTH. Each
 * way a server can answer ends as the right status for each recipient.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { createDeliverer } from '../../relay/delivery/index.js';
import type { Deliverer } from '../../relay/delivery/types.js';
import type { DeliveryConfig } from '../../relay/protocol.js';
import { deliveryJob, sampleMessage } from '../fixtures/delivery-job.js';
import { freePort } from '../fixtures/ports.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream, type Upstream } from '../fixtures/upstream.js';

const HOSTNAME = 'relay.office.example';
const credentials = { user: 'relay-desk', password: 'GCuzt.9zbo' };

function smarthost(t: TestContext, upstream: Pick<Upstream, 'host' | 'port'>, settings: Partial<Extract<DeliveryConfig, { mode: 'smarthost' }>> = {}): Deliverer {
  const deliverer = createDeliverer(
    { mode: 'smarthost', host: upstream.host, port: upstream.port, security: 'none', auth: null, rejectUnauthorized: true, ...settings },
    { hostname: HOSTNAME, dkim: [] },
  );
  t.after(() => deliverer.close());
  return deliverer;
}

test('plain SMTP: every recipient delivered, the body byte-identical to what the spool streams', async (t) => {
  const upstream = await startUpstream(t);
  const results = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org', 'team@example.org']));
  assert.deepEqual(
    results.map((r) => [r.recipient, r.status]),
    [
      ['boss@example.org', 'delivered'],
      ['team@example.org', 'delivered'],
    ],
  );
  assert.match(results[0]?.response ?? '', /^250 2\.0\.0 Stored as \d+\.eml$/);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.equal(received.mailFrom, 'scanner@office.example');
  assert.deepEqual(received.rcptTos, ['boss@example.org', 'team@example.org']);
  assert.ok(received.raw.equals(sampleMessage()), 'the bytes arrive as spooled');
  assert.equal(received.tls, false);
});

test('STARTTLS with AUTH: the relay upgrades, logs in, and delivers', async (t) => {
  const upstream = await startUpstream(t, { tls: await testCertificate(), auth: credentials });
  const results = await smarthost(t, upstream, { security: 'starttls', auth: credentials, rejectUnauthorized: false }).deliver(
    deliveryJob(['boss@example.org']),
  );
  assert.equal(results[0]?.status, 'delivered', results[0]?.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.equal(received.tls, true);
  assert.equal(received.authUser, credentials.user);
  assert.ok(received.raw.equals(sampleMessage()));
});

test('implicit TLS with AUTH (port 465 style) delivers', async (t) => {
  const upstream = await startUpstream(t, { tls: await testCertificate(), implicitTls: true, auth: credentials });
  const results = await smarthost(t, upstream, { security: 'tls', auth: credentials, rejectUnauthorized: false }).deliver(deliveryJob(['boss@example.org']));
  assert.equal(results[0]?.status, 'delivered', results[0]?.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.equal(received.tls, true);
  assert.equal(received.authUser, credentials.user);
});

test('a self-signed smarthost certificate is refused unless the admin chose to trust it: deferred, saying why', async (t) => {
  const upstream = await startUpstream(t, { tls: await testCertificate() });
  const [result] = await smarthost(t, upstream, { security: 'starttls', rejectUnauthorized: true }).deliver(deliveryJob(['boss@example.org']));
  assert.ok(result);
  assert.equal(result.status, 'deferred');
  assert.match(result.response, /self[- ]signed certificate/);
  assert.deepEqual(await upstream.received(), []);
});

test('a wrong smarthost password defers the mail with the server 535 reply, for the admin to fix', async (t) => {
  const upstream = await startUpstream(t, { tls: await testCertificate(), auth: credentials });
  const deliverer = smarthost(t, upstream, { security: 'starttls', auth: { user: credentials.user, password: 'wrong' }, rejectUnauthorized: false });
  const results = await deliverer.deliver(deliveryJob(['boss@example.org', 'team@example.org']));
  assert.deepEqual(await upstream.waitForAuth(), { user: credentials.user, ok: false });
  for (const result of results) {
    assert.equal(result.status, 'deferred');
    assert.equal(result.code, 535);
    assert.match(result.response, /check the user name and password: 535 5\.7\.8 Authentication credentials invalid/);
  }
  assert.deepEqual(await upstream.received(), []);
});

test('a smarthost that wants a login the relay was not given defers the mail instead of bouncing it', async (t) => {
  const upstream = await startUpstream(t, { auth: credentials });
  const [result] = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org']));
  assert.ok(result);
  assert.equal(result.status, 'deferred');
  assert.match(result.response, /^530 5\.7\.0 Authentication required/);
});

test('451 at DATA defers every recipient with the server reply', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.refuseWith('451 4.3.0 Try again later');
  const results = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org', 'team@example.org']));
  await upstream.waitForRefusals(1);
  assert.deepEqual(
    results.map((r) => [r.status, r.code, r.response]),
    [
      ['deferred', 451, '451 4.3.0 Try again later'],
      ['deferred', 451, '451 4.3.0 Try again later'],
    ],
  );
});

test('554 at DATA fails every recipient', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.refuseWith('554 5.6.0 Message content rejected');
  const results = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org', 'team@example.org']));
  assert.deepEqual(
    results.map((r) => [r.status, r.code]),
    [
      ['failed', 554],
      ['failed', 554],
    ],
  );
  assert.equal(results[0]?.response, '554 5.6.0 Message content rejected');
});

test('550 for one recipient at RCPT fails that one, the others are delivered', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.rejectRecipient('gone@example.org', '550 5.1.1 No such user here');
  const results = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org', 'Gone@Example.ORG', 'team@example.org']));
  assert.deepEqual(
    results.map((r) => [r.recipient, r.status, r.code]),
    [
      ['boss@example.org', 'delivered', 250],
      ['Gone@Example.ORG', 'failed', 550],
      ['team@example.org', 'delivered', 250],
    ],
  );
  assert.equal(results[1]?.response, '550 5.1.1 No such user here');
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.deepEqual(received.rcptTos, ['boss@example.org', 'team@example.org']);
});

test('when every recipient is refused at RCPT, each keeps its own verdict: 550 fails, 450 defers', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.rejectRecipient('gone@example.org', '550 5.1.1 No such user here');
  await upstream.rejectRecipient('full@example.org', '452 4.2.2 Mailbox full');
  const results = await smarthost(t, upstream).deliver(deliveryJob(['gone@example.org', 'full@example.org']));
  assert.deepEqual(
    results.map((r) => [r.recipient, r.status, r.code, r.response]),
    [
      ['gone@example.org', 'failed', 550, '550 5.1.1 No such user here'],
      ['full@example.org', 'deferred', 452, '452 4.2.2 Mailbox full'],
    ],
  );
});

test('a smarthost port where nothing listens defers every recipient, naming the server', async (t) => {
  const dead = { host: '127.0.0.1', port: await freePort(20000, 30000) };
  const [result] = await smarthost(t, dead).deliver(deliveryJob(['boss@example.org']));
  assert.ok(result);
  assert.equal(result.status, 'deferred');
  assert.equal(result.code, undefined);
  assert.match(result.response, new RegExp(`^smarthost 127\\.0\\.0\\.1:${dead.port}: .*ECONNREFUSED`));
});

test('a bounce goes out with the null reverse-path', async (t) => {
  const upstream = await startUpstream(t);
  const results = await smarthost(t, upstream).deliver(deliveryJob(['scanner@office.example'], { from: '', fromDomain: null }));
  assert.equal(results[0]?.status, 'delivered');
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.equal(received.mailFrom, '<>', 'aiosmtpd shows the null reverse-path as <>');
});

test('a bare LF-dot-LF in a body never ends the message upstream (SMTP smuggling)', async (t) => {
  const upstream = await startUpstream(t);
  const smuggled = 'MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\nFrom: ceo@office.example\r\n\r\nPay now.\r\n';
  const body = Buffer.from(`From: scanner@office.example\r\nSubject: smuggling\r\n\r\nInnocent text.\n.\n${smuggled}.\r\n`);
  const [result] = await smarthost(t, upstream).deliver(deliveryJob(['boss@example.org'], { body }));
  assert.ok(result);
  assert.equal(result.status, 'delivered', result.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.ok(received.raw.includes('MAIL FROM:<evil@attacker.example>'), 'the smuggled commands stayed inside the first message');
  assert.deepEqual(received.rcptTos, ['boss@example.org']);
});
