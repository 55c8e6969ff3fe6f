/**
 * The alert detector on the relay's own events and states, for the kinds the
 * end-to-end tests (e2e/integration/alerts.test.ts: failed logins, a dead
 * upstream) do not reach: a rate limit, a refused sender, a bounce, the
 * relay down or a port not opened, a queue too long, the certificate near
 * its end. Each is raised once per occurrence, with what the admin needs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayState } from '../api/contract.js';
import type { AlertRule } from '../api/schemas/alerts.js';
import type { Alert } from '../host/alerts/alert.js';
import { AlertDetector } from '../host/alerts/detector.js';
import type { RelayEvent } from '../../relay/events.js';

const DAY = 86_400_000;

function detector(thresholds: Partial<Record<AlertRule['kind'], { threshold?: number; queueThreshold?: number }>> = {}) {
  const raised: Alert[] = [];
  const d = new AlertDetector({
    rule: (kind, list) => ({ kind, list, on: true, threshold: thresholds[kind]?.threshold ?? null, queueThreshold: thresholds[kind]?.queueThreshold ?? null }),
    listOf: (user) => (user === 's100000_0' ? 'Scanners' : null),
    raise: (alert) => raised.push(alert),
  });
  return { d, raised };
}

const rejected = (code: number, reply: string, stage: 'mail' | 'data' | 'rcpt', from: string): RelayEvent => ({
  type: 'rejected',
  session: 's1',
  remoteAddress: '192.168.1.40',
  user: 's100000_0',
  stage,
  code,
  reply,
  envelope: { from, to: [] },
});

test('a rate limit hit is a user-blocked alert; a sender refused names the user and the address tried; other refusals raise nothing', () => {
  const { d, raised } = detector();
  d.relayEvent(rejected(451, '451 4.7.1 s100000_0 sent 100 messages in the last hour, its limit', 'mail', 'scan@office.example'), 0);
  d.relayEvent(rejected(550, '550 5.7.1 s100000_0 may not send as boss@elsewhere.example', 'mail', 'boss@elsewhere.example'), 0);
  d.relayEvent(rejected(550, '550 5.1.1 no such recipient', 'rcpt', 'scan@office.example'), 0);
  assert.deepEqual(
    raised.map((a) => [a.kind, a.list, a.title]),
    [
      ['user-blocked', 'Scanners', 'SMTP user s100000_0 reached its rate limit'],
      ['sender-refused', 'Scanners', 'SMTP user s100000_0 tried to send as boss@elsewhere.example, which it may not'],
    ],
  );
  assert.match(raised[1]?.body ?? '', /^The relay refused it from 192\.168\.1\.40: 550 5\.7\.1 /);
});

test('a bounce names the message, its sender and subject, and links to it', () => {
  const { d, raised } = detector();
  const accepted: RelayEvent = {
    type: 'accepted', id: 'Q1', session: 's1', user: 's100000_0', via: 'auth', list: 'Scanners',
    envelope: { from: 'scan@office.example', to: ['nobody@partner.example'] }, from: 'scan@office.example', fromName: '', subject: 'Scan 12',
    size: 1000, tls: true, priority: 3, campaign: null, addedHeaders: [],
  };
  d.relayEvent(accepted, 0);
  d.relayEvent({ type: 'bounced', id: 'Q1', recipients: ['nobody@partner.example'], reason: '550 5.1.1 No such user here', bounceId: 'Q2' }, 1);
  assert.equal(raised.length, 1);
  assert.deepEqual([raised[0]?.kind, raised[0]?.list, raised[0]?.messageId, raised[0]?.title], ['message-bounced', 'Scanners', 'Q1', 'A message from scan@office.example bounced']);
  assert.equal(raised[0]?.body, '"Scan 12" to nobody@partner.example could not be delivered: 550 5.1.1 No such user here The sender was sent a bounce.');
});

test('the relay down and a port not opened are each said once, and again only after they recovered', () => {
  const { d, raised } = detector();
  const listener = { port: 2525, address: '0.0.0.0', encryption: 'starttls' as const, clearTextLogins: false };
  const running: RelayState = { status: 'running', listeners: [{ ...listener, status: 'listening' }], queued: 0 };
  const crashed: RelayState = { status: 'restarting', listeners: [], queued: 0, problem: 'The relay process exited with code 1.' };
  const portTaken: RelayState = { status: 'running', listeners: [{ ...listener, status: 'error', error: 'address in use' }], queued: 0 };
  for (const state of [running, crashed, crashed, running, crashed, portTaken, portTaken, running, portTaken]) d.relayState(state);
  assert.deepEqual(
    raised.map((a) => a.title),
    ['The relay process stopped unexpectedly', 'The relay process stopped unexpectedly', 'Port 2525 could not be opened', 'Port 2525 could not be opened'],
  );
  assert.match(raised[2]?.body ?? '', /address in use/);
});

test('a queue over its threshold is said once on the way up, and again only after it came back under', () => {
  const { d, raised } = detector({ 'delivery-problem': { queueThreshold: 10 } });
  const queue = (queued: number): RelayEvent => ({ type: 'queue', queued, deferred: queued, nextAttemptAt: null, paused: false });
  for (const n of [5, 11, 40, 12, 10, 11]) d.relayEvent(queue(n), 0);
  assert.equal(raised.length, 2);
  assert.ok(raised.every((a) => a.kind === 'delivery-problem'));
});

test('the certificate: an alert within the threshold\'s days (14 by default) or once ended, none before', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  const { d, raised } = detector();
  d.checkCertificate(new Date(now + 30 * DAY).toISOString(), 'AB:CD', now);
  d.checkCertificate(null, 'AB:CD', now);
  assert.equal(raised.length, 0);
  d.checkCertificate(new Date(now + 10 * DAY).toISOString(), 'AB:CD', now);
  d.checkCertificate(new Date(now - DAY).toISOString(), 'AB:CD', now);
  assert.deepEqual(raised.map((a) => [a.kind, a.title]), [
    ['certificate-expiring', "The relay's TLS certificate expires in 10 days"],
    ['certificate-expiring', "The relay's TLS certificate has expired"],
  ]);
  const stricter = detector({ 'certificate-expiring': { threshold: 5 } });
  stricter.d.checkCertificate(new Date(now + 10 * DAY).toISOString(), 'AB:CD', now);
  assert.equal(stricter.raised.length, 0);
});

test('messages deferred past the limit are said in one alert, the oldest first, each once; deferrals before the limit raise nothing', () => {
  const { d, raised } = detector({ 'delivery-problem': { threshold: 30 } });
  const MINUTE = 60_000;
  const accept = (id: string, at: number) =>
    d.relayEvent(
      {
        type: 'accepted', id, session: 's1', user: 's100000_0', via: 'auth', list: 'Scanners',
        envelope: { from: `${id.toLowerCase()}@office.example`, to: ['someone@partner.example'] }, from: '', fromName: '', subject: `Report ${id}`,
        size: 1000, tls: true, priority: 3, campaign: null, addedHeaders: [],
      },
      at,
    );
  const defer = (id: string, at: number) => d.relayEvent({ type: 'deferred', id, recipients: ['someone@partner.example'], error: '451 try later', attempts: 2, nextAttemptAt: new Date(at + MINUTE).toISOString() }, at);
  for (let n = 0; n < 1000; n++) accept(`Q${n}`, n);
  for (let n = 0; n < 1000; n++) defer(`Q${n}`, 10 * MINUTE);
  assert.equal(raised.length, 0, 'deferred, not yet overdue');
  // Past the limit for all but the last: the first deferral that is overdue says every overdue one at once.
  const later = 30 * MINUTE + 999;
  for (let n = 0; n < 1000; n++) defer(`Q${n}`, later);
  assert.deepEqual(
    raised.map((a) => [a.kind, a.title, a.messageId]),
    [['delivery-problem', '999 messages have been deferred for more than 30 minutes', null]],
  );
  assert.match(raised[0]?.body ?? '', /the first from q0@office\.example \("Report Q0"\)/);
  d.checkOverdue(later + 1);
  assert.deepEqual(raised.map((a) => a.title).slice(1), ['A message has been deferred for more than 30 minutes'], 'the last one, found by the timer');
  assert.equal(raised[1]?.messageId, 'Q999');
});
