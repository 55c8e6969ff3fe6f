/**
 * The relay takes a new configuration while it runs: ports open and close by
 * difference, users and senders change, without a restart and without
 * dropping a session in progress. Also: implicit TLS, a busy port, campaign
 * headers and DKIM signing of relayed mail, delivery straight to MX hosts.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import { test } from 'node:test';
import { dkimKey, verifyDkim } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { unfolded } from '../fixtures/messages.js';
import { freePort, takenPort } from '../fixtures/ports.js';
import { plainAuth, rawSmtp } from '../fixtures/raw-smtp.js';
import { relayUser, startRelayChild } from '../fixtures/relay-child.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { tempDir } from '../fixtures/temp.js';
import { testCertificate } from '../fixtures/tls.js';
import { smarthostTo, startUpstream } from '../fixtures/upstream.js';

const USER = { name: 's500_0', password: 'C0nfig!pass' };
const login = ['--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password];

test('a new configuration applies without dropping a session in progress', async (t) => {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
  });
  const smtp = await rawSmtp(relay.port);
  await smtp.reply();
  await smtp.command('EHLO held.test');
  assert.equal((await smtp.command(`AUTH PLAIN ${plainAuth(USER.name, USER.password)}`)).code, 235);
  assert.equal((await smtp.command('MAIL FROM:<clerk@office.example>')).code, 250);

  // Mid-session: a second port opens, the user gets a new domain, limits change.
  const second = await freePort();
  await relay.configure({
    listeners: [...relay.config.listeners, { port: second, address: '127.0.0.1', encryption: 'none', requireTlsForAuth: false }],
    users: [await relayUser({ ...USER, senders: [{ kind: 'domain', value: 'office.example', verified: true }, { kind: 'domain', value: 'branch.example', verified: true }] })],
  });
  const listening = relay.events.findLast((e) => e.type === 'listeners');
  assert.deepEqual(listening?.type === 'listeners' && listening.listeners.map((l) => [l.port, l.status]), [[relay.port, 'listening'], [second, 'listening']]);

  assert.equal((await smtp.command('RCPT TO:<boss@example.org>')).code, 250);
  assert.equal((await smtp.command('DATA')).code, 354);
  smtp.send('From: clerk@office.example\r\nSubject: held session\r\n\r\nstill here\r\n.\r\n');
  assert.equal((await smtp.reply()).code, 250);
  await smtp.command('QUIT');
  assert.equal((await upstream.waitForMessages(1)).length, 1);

  // The new port and the new domain work; then the first port closes, the second stays.
  const viaSecond = await swaks(second, ['--from', 'x@branch.example', '--to', 'b@example.org', '--header', 'From: x@branch.example', ...login]);
  assert.equal(viaSecond.code, 0, viaSecond.output);
  await relay.configure({ listeners: [{ port: second, address: '127.0.0.1', encryption: 'none', requireTlsForAuth: false }] });
  const closed = await swaks(relay.port, ['--from', 'x@branch.example', '--to', 'b@example.org', ...login]);
  assert.match(closed.output, /Connection refused|connect/i);
  assert.equal(relay.events.filter((e) => e.type === 'ready').length, 1, 'the relay process was never restarted');
});

test('a port in use is reported in plain words while the other ports work', async (t) => {
  const busy = await takenPort(t, '127.0.0.1');
  const relay = await startRelayChild(t, { users: [await relayUser(USER)] });
  await relay.configure({ listeners: [...relay.config.listeners, { port: busy, address: '127.0.0.1', encryption: 'none', requireTlsForAuth: false }] });
  const states = relay.events.findLast((e) => e.type === 'listeners');
  assert.ok(states?.type === 'listeners');
  assert.equal(states.listeners.find((l) => l.port === relay.port)?.status, 'listening');
  const failed = states.listeners.find((l) => l.port === busy);
  assert.equal(failed?.status, 'error');
  assert.equal(failed.error, `Port ${busy} is already used by another program. Stop that program or choose another port.`);
});

test('a TLS port without a certificate says so; implicit TLS works once one is configured', async (t) => {
  const upstream = await startUpstream(t);
  const port = await freePort();
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
    listener: { port, encryption: 'tls' },
  });
  const first = relay.events.findLast((e) => e.type === 'listeners');
  assert.ok(first?.type === 'listeners');
  assert.match(first.listeners[0]?.error ?? '', /needs a TLS certificate, and none is configured/);
  await relay.configure({ tls: await testCertificate() });
  const socket = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  socket.destroy();
  const sent = await swaks(port, ['--from', 'a@office.example', '--to', 'b@example.org', '--header', 'From: a@office.example', '--tlsc', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const [received] = await upstream.waitForMessages(1);
  assert.match(received ? unfolded(received.raw) : '', /with ESMTPSA \(TLSv1\.[23]/);
});

test('X-SMTPAPI: the campaign is kept with the message and the header removed; DKIM signs for the From domain', async (t) => {
  const dkim = dkimKey('office.example', 'relaydesk');
  const dns = await startDns(t, { [dkim.record.name]: [dkim.record.value] });
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo(upstream),
    dkim: [dkim.key],
  });
  const sent = await swaks(relay.port, [
    '--from', 'news@office.example', '--to', 'reader@example.org',
    '--header', 'From: News <news@office.example>',
    '--header', 'X-SMTPAPI: {"CampaignName": "Spring sale", "CampaignCode": 42}',
    ...login,
  ]);
  assert.equal(sent.code, 0, sent.output);
  const accepted = await relay.waitForEvent('accepted');
  assert.deepEqual(accepted.campaign, { name: 'Spring sale', code: '42' });
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.doesNotMatch(received.raw.toString(), /X-SMTPAPI/i);
  assert.match(received.raw.toString(), /^DKIM-Signature: .*d=office\.example/m);
  const verified = await verifyDkim(received.raw, dns);
  assert.equal(verified.ok, true, verified.output);
});

test('direct delivery: the relay finds the recipient domain\'s MX host through DNS', async (t) => {
  const mxPort = await freePort(20000, 30000);
  const mxHost = await startUpstream(t, { port: mxPort });
  const dns = await startDns(t, {}, { mx: [{ domain: 'customer.example', target: 'mx.customer.example', preference: 10 }], hosts: { 'mx.customer.example': ['127.0.0.1'] } });
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: { mode: 'mx', dnsServers: [dns.server], port: mxPort },
  });
  const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'buyer@customer.example', '--header', 'From: a@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const [received] = await mxHost.waitForMessages(1);
  assert.deepEqual(received?.rcptTos, ['buyer@customer.example']);
});

test('new limits reach ports that stay open: SIZE and the size check follow at once', async (t) => {
  const relay = await startRelayChild(t, { users: [await relayUser(USER)] });
  const ehloSize = async () => {
    const smtp = await rawSmtp(relay.port);
    await smtp.reply();
    const ehlo = await smtp.command('EHLO limits.test');
    smtp.close();
    return /SIZE (\d+)/.exec(ehlo.text)?.[1];
  };
  assert.equal(await ehloSize(), String(25 * 1024 * 1024));
  await relay.configure({ limits: { ...relay.config.limits, maxMessageBytes: 2_000_000 } });
  assert.equal(await ehloSize(), '2000000');
  const file = join(await tempDir(t, 'big'), 'big.eml');
  await writeFile(file, `From: a@office.example\r\nSubject: big\r\n\r\n${`${'x'.repeat(998)}\r\n`.repeat(2_100)}`);
  const big = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'b@example.org', '--data', `@${file}`, '--suppress-data', ...login]);
  assert.match(big.output, /552 5\.3\.4 Message too big: the limit is 2000000 bytes/);
});

test('a new upstream is tried at once for the mail waiting in the queue, not at each message\'s next retry', async (t) => {
  const dead = await freePort();
  // Retries an hour apart: only the new upstream can explain a delivery within the test.
  const relay = await startRelayChild(t, {
    users: [await relayUser(USER)],
    delivery: smarthostTo({ host: '127.0.0.1', port: dead }),
    retry: { delaysMs: [3_600_000], maxLifetimeMs: 86_400_000 },
  });
  const sent = await swaks(relay.port, ['--from', 'a@office.example', '--to', 'b@example.org', '--header', 'From: a@office.example', ...login]);
  assert.equal(sent.code, 0, sent.output);
  const deferred = await relay.waitForEvent('deferred');
  assert.match(deferred.error, /ECONNREFUSED/);

  const upstream = await startUpstream(t);
  await relay.configure({ delivery: smarthostTo(upstream) });
  const [arrived] = await upstream.waitForMessages(1);
  assert.deepEqual(arrived?.rcptTos, ['b@example.org']);
  await relay.waitForEmptyQueue();
});
