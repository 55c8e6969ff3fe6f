/**
 * What the relay tells the host about each message, for its history: at
 * acceptance the list, the From display name and the header lines it added;
 * for each delivery attempt the server tried and every recipient's reply
 * (a real upstream, aiosmtpd, answering 250, 451 then 250, and 550 for one
 * recipient); for a refusal, the envelope given so far.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { headerValues } from '../fixtures/messages.js';
import { relayUser, startRelayChild, type RelayChild } from '../fixtures/relay-child.js';
import { smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER = { name: 's100_0', password: 'GCuzt.9zbo!x' };
const login = { user: USER.name, password: USER.password };

async function setup(t: TestContext): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, { users: [await relayUser(USER)], delivery: smarthostTo(upstream) });
  return { relay, upstream };
}

function message(subject: string, from = 'Scanner <scanner@office.example>'): string {
  return [`From: ${from}`, 'To: boss@example.org', `Subject: ${subject}`, '', 'Hello.', ''].join('\r\n');
}

async function send(relay: RelayChild, to: string[], text: string): Promise<void> {
  const [result] = await smtplibSend({ port: relay.port, ...login, from: 'scanner@office.example', to, messages: [text] });
  assert.equal(result?.ok, true, JSON.stringify(result));
}

test('accepted: the list, the decoded From name, and the header lines the relay added, as the upstream received them', async (t) => {
  const { relay, upstream } = await setup(t);
  await send(relay, ['boss@example.org'], message('Scan 0042', '=?utf-8?q?Scanner_B=C3=BCro?= <scanner@office.example>'));
  const accepted = await relay.waitForEvent('accepted');
  assert.equal(accepted.list, 'SMTP+');
  assert.equal(accepted.fromName, 'Scanner Büro');
  assert.deepEqual(
    accepted.addedHeaders.map((line) => line.slice(0, line.indexOf(':'))),
    ['Received', 'X-Priority', 'Importance', 'Message-ID', 'Date'],
  );
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  for (const line of accepted.addedHeaders) {
    const name = line.slice(0, line.indexOf(':'));
    assert.ok(headerValues(received.raw, name).includes(line.slice(name.length + 2)), `${line} reached the upstream`);
  }
});

test('250: one attempt, the smarthost named, every recipient delivered with its reply, before the delivered summary', async (t) => {
  const { relay, upstream } = await setup(t);
  await send(relay, ['boss@example.org', 'team@example.org'], message('Both'));
  const { id } = await relay.waitForEvent('accepted');
  const attempt = await relay.waitForEvent('attempt', (e) => e.id === id);
  await relay.waitForEvent('delivered', (e) => e.id === id);
  assert.equal(attempt.remoteHost, `${upstream.host}:${upstream.port}`);
  assert.deepEqual(
    attempt.results.map((r) => [r.recipient, r.status, r.code]),
    [
      ['boss@example.org', 'delivered', 250],
      ['team@example.org', 'delivered', 250],
    ],
  );
  assert.match(attempt.results[0]?.response ?? '', /^250 2\.0\.0 Stored as \d+\.eml$/);
  assert.ok(attempt.durationMs >= 0 && Date.parse(attempt.startedAt) > 0);
  const order = relay.events.filter((e) => 'id' in e && e.id === id).map((e) => e.type);
  assert.deepEqual(order, ['accepted', 'sending', 'attempt', 'delivered']);
});

test('451 then 250: the first attempt defers with the reply, the next one delivers; each reported as an attempt', async (t) => {
  const { relay, upstream } = await setup(t);
  await upstream.refuseWith('451 4.3.0 Upstream busy');
  await send(relay, ['boss@example.org'], message('Later'));
  const { id } = await relay.waitForEvent('accepted');
  const [first] = await relay.waitForEvents('attempt', 1, (e) => e.id === id);
  await relay.waitForEvent('deferred', (e) => e.id === id);
  assert.deepEqual(first?.results, [{ recipient: 'boss@example.org', status: 'deferred', code: 451, response: '451 4.3.0 Upstream busy' }]);
  await upstream.accept();
  const attempts = await relay.waitForEvents('attempt', 2, (e) => e.id === id);
  await relay.waitForEvent('delivered', (e) => e.id === id);
  assert.equal(attempts[1]?.results[0]?.status, 'delivered');
  assert.equal(attempts[1].remoteHost, `${upstream.host}:${upstream.port}`);
  const order = relay.events.filter((e) => 'id' in e && e.id === id).map((e) => e.type);
  assert.deepEqual(order, ['accepted', 'sending', 'attempt', 'deferred', 'sending', 'attempt', 'delivered']);
});

test('550 for one recipient: the attempt says who failed with which reply, the other is delivered, the failed one bounced', async (t) => {
  const { relay, upstream } = await setup(t);
  await upstream.rejectRecipient('nobody@example.org', '550 5.1.1 No such user');
  await send(relay, ['boss@example.org', 'nobody@example.org'], message('One of two'));
  const { id } = await relay.waitForEvent('accepted');
  const attempt = await relay.waitForEvent('attempt', (e) => e.id === id);
  assert.deepEqual(
    attempt.results.map((r) => [r.recipient, r.status, r.code, r.response]),
    [
      ['boss@example.org', 'delivered', 250, attempt.results[0]?.response],
      ['nobody@example.org', 'failed', 550, '550 5.1.1 No such user'],
    ],
  );
  const bounced = await relay.waitForEvent('bounced', (e) => e.id === id);
  assert.deepEqual(bounced.recipients, ['nobody@example.org']);
});

test('refused: the envelope so far comes with the refusal (none before MAIL, the sender at MAIL, the recipients at RCPT)', async (t) => {
  const { relay } = await setup(t);
  await relay.configure({ limits: { ...relay.config.limits, maxRecipients: 2 } });
  const auth = ['--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', USER.password];
  const badLogin = await swaks(relay.port, ['--from', 'scanner@office.example', '--to', 'boss@example.org', '--auth', 'PLAIN', '--auth-user', USER.name, '--auth-password', 'wrong']);
  assert.notEqual(badLogin.code, 0);
  const atAuth = await relay.waitForEvent('rejected', (e) => e.stage === 'auth');
  assert.equal(atAuth.envelope, null);

  const badSender = await swaks(relay.port, ['--from', 'someone@elsewhere.example', '--to', 'boss@example.org', ...auth]);
  assert.match(badSender.output, /553 5\.7\.1/);
  const atMail = await relay.waitForEvent('rejected', (e) => e.stage === 'mail');
  assert.deepEqual(atMail.envelope, { from: 'someone@elsewhere.example', to: [] });

  const many = await swaks(relay.port, ['--from', 'scanner@office.example', '--to', 'a@example.org,b@example.org,c@example.org', ...auth]);
  assert.match(many.output, /452 4\.5\.3/);
  const atRcpt = await relay.waitForEvent('rejected', (e) => e.stage === 'rcpt');
  assert.deepEqual(atRcpt.envelope, { from: 'scanner@office.example', to: ['a@example.org', 'b@example.org', 'c@example.org'] });
});
