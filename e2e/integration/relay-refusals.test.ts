/**
 * Every refusal a client can meet, with its reply code, enhanced status code
 * and words, as real clients see them. Nothing refused reaches the upstream.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { relayUser, startRelayChild, type RelayChild, type TestUser } from '../fixtures/relay-child.js';
import { unfolded } from '../fixtures/messages.js';
import { smtplibSend, swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';
import { smarthostTo, startUpstream, type Upstream } from '../fixtures/upstream.js';

const USER: TestUser = {
  name: 's200_0',
  password: 'Pa55.word!',
  senders: [
    { kind: 'domain', value: 'company.com', verified: true },
    { kind: 'address', value: 'boss@partner.example', verified: true },
    { kind: 'address', value: 'new@partner.example', verified: false },
  ],
};

async function setup(t: TestContext, change: Parameters<typeof startRelayChild>[1] = {}, user: TestUser = USER): Promise<{ relay: RelayChild; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const relay = await startRelayChild(t, {
    users: [await relayUser(user)],
    delivery: smarthostTo(upstream),
    ...change,
  });
  return { relay, upstream };
}

const login = (user: TestUser = USER) => ['--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', user.password];

function send(relay: RelayChild, from: string, extra: string[] = []) {
  return swaks(relay.port, ['--from', from, '--to', 'someone@example.org', '--header', `From: <${from}>`, ...extra]);
}

async function assertNothingRelayed(relay: RelayChild, upstream: Upstream): Promise<void> {
  assert.equal(relay.events.filter((e) => e.type === 'accepted').length, 0);
  assert.equal((await upstream.received()).length, 0);
}

test('wrong password: 535 5.7.8, and the failed login is reported', async (t) => {
  const { relay, upstream } = await setup(t);
  const result = await send(relay, 'a@company.com', login({ ...USER, password: 'Tr0ub4dor&3' }));
  assert.notEqual(result.code, 0);
  assert.match(result.output, /<[*~]\* 535 5\.7\.8 Authentication failed: wrong SMTP user name or password/);
  const failed = await relay.waitForEvent('auth', (e) => !e.ok);
  assert.equal(failed.reason, 'wrong-password');
  assert.equal(failed.user, USER.name);
  assert.doesNotMatch(JSON.stringify(relay.events), /Tr0ub4dor|Pa55\.word/, 'no password in events');
  await assertNothingRelayed(relay, upstream);
});

test('an inactive user cannot log in: 535 with words that say so', async (t) => {
  const { relay, upstream } = await setup(t, {}, { ...USER, active: false });
  const result = await send(relay, 'a@company.com', login());
  assert.match(result.output, /<[*~]\* 535 5\.7\.8 SMTP user s200_0 is not active; the administrator can activate it in Relay Desk/);
  await assertNothingRelayed(relay, upstream);
});

test('no login and no trusted address: 530, the relay is never open', async (t) => {
  const { relay, upstream } = await setup(t);
  const result = await send(relay, 'a@company.com');
  assert.match(result.output, /<[*~]\* 530 5\.7\.0 Authentication required/);
  const rejected = await relay.waitForEvent('rejected');
  assert.equal(rejected.code, 530);
  await assertNothingRelayed(relay, upstream);
});

test('envelope sender outside the authorized senders: 553 5.7.1 naming the problem', async (t) => {
  const { relay, upstream } = await setup(t);
  const result = await send(relay, 'someone@other.example', login());
  assert.match(
    result.output,
    /<[*~]\* 553 5\.7\.1 Sender <someone@other\.example> is not authorized for SMTP user s200_0; add its domain \(e\.g\. company\.com, not www\.company\.com\)/,
  );
  await assertNothingRelayed(relay, upstream);
});

test('look-alike domains are not the authorized domain; its subdomains are', async (t) => {
  const { relay, upstream } = await setup(t);
  for (const from of ['x@evil-company.com', 'x@company.com.evil.example', 'x@company.co', 'x@xcompany.com']) {
    const result = await send(relay, from, login());
    assert.match(result.output, /<[*~]\* 553 5\.7\.1 Sender <.*> is not authorized/, from);
  }
  const sub = await send(relay, 'news@marketing.company.com', login());
  assert.equal(sub.code, 0, sub.output);
  const upper = await send(relay, 'Boss@Partner.Example', login());
  assert.equal(upper.code, 0, upper.output);
  assert.equal((await upstream.waitForMessages(2)).length, 2);
});

test('an authorized address that is not verified yet: 553 that says to verify it', async (t) => {
  const { relay, upstream } = await setup(t);
  const result = await send(relay, 'new@partner.example', login());
  assert.match(result.output, /<[*~]\* 553 5\.7\.1 Sender <new@partner\.example> is authorized for SMTP user s200_0 but not verified yet/);
  await assertNothingRelayed(relay, upstream);
});

test('a From or Sender header outside the authorized senders: 550 5.7.1 after DATA', async (t) => {
  const { relay, upstream } = await setup(t);
  // A web form puts the visitor's address in From: never authorized.
  const from = await swaks(relay.port, ['--from', 'web@company.com', '--to', 'a@example.org', '--header', 'From: Visitor <visitor@gmail.example>', ...login()]);
  assert.match(from.output, /<[*~]\* 550 5\.7\.1 From header address <visitor@gmail\.example> is not authorized for SMTP user s200_0/);
  const sender = await swaks(relay.port, [
    '--from', 'web@company.com', '--to', 'a@example.org',
    '--header', 'From: <web@company.com>', '--header', 'Sender: <bulk@other.example>', ...login(),
  ]);
  assert.match(sender.output, /<[*~]\* 550 5\.7\.1 Sender header address <bulk@other\.example> is not authorized/);
  // Several From mailboxes need a Sender (RFC 5322 §3.6.2); each of them must be authorized all the same.
  const many = await swaks(relay.port, [
    '--from', 'web@company.com', '--to', 'a@example.org',
    '--header', 'From: a@company.com, b@other.example', '--header', 'Sender: <a@company.com>', ...login(),
  ]);
  assert.match(many.output, /<[*~]\* 550 5\.7\.1 From header address <b@other\.example>/);
  const none = await swaks(relay.port, ['--from', 'web@company.com', '--to', 'a@example.org', '--data', 'Subject: no from\r\n\r\nbody\r\n', ...login()]);
  assert.match(none.output, /<[*~]\* 550 5\.6\.0 The message has no From header/);
  await assertNothingRelayed(relay, upstream);
});

test('a message over the size limit: 552 5.3.4 after the whole message, and nothing is kept', async (t) => {
  const limits = { maxMessageBytes: 10_000, maxRecipients: 100, maxConnections: 50, authFailures: { max: 10, windowSeconds: 600, blockSeconds: 900 } };
  const { relay, upstream } = await setup(t, { limits });
  const result = await send(relay, 'a@company.com', [...login(), '--body', 'x'.repeat(20_000)]);
  assert.match(result.output, /SIZE 10000/);
  assert.match(result.output, /<[*~]\* 552 5\.3\.4 Message too big: the limit is 10000 bytes/);
  await assertNothingRelayed(relay, upstream);
});

test('too many recipients: 452 4.5.3 for the ones past the limit, the others go', async (t) => {
  const limits = { maxMessageBytes: 1_000_000, maxRecipients: 2, maxConnections: 50, authFailures: { max: 10, windowSeconds: 600, blockSeconds: 900 } };
  const { relay, upstream } = await setup(t, { limits });
  const result = await swaks(relay.port, ['--from', 'a@company.com', '--to', 'a@example.org,b@example.org,c@example.org', '--header', 'From: a@company.com', ...login()]);
  assert.match(result.output, /RCPT TO:<c@example\.org>\n<[*~]\* 452 4\.5\.3 Too many recipients: at most 2 per message/);
  const [relayed] = await upstream.waitForMessages(1);
  assert.deepEqual(relayed?.rcptTos, ['a@example.org', 'b@example.org']);
});

test('the hourly rate limit is checked at the end of DATA: pipelined messages cannot slip past', async (t) => {
  const { relay, upstream } = await setup(t, {}, { ...USER, rateLimitPerHour: 2 });
  const message = 'From: a@company.com\r\nSubject: bulk\r\n\r\nhello\r\n';
  const results = await smtplibSend({
    port: relay.port,
    user: USER.name,
    password: USER.password,
    from: 'a@company.com',
    to: ['x@example.org'],
    messages: [message, message, message],
  });
  assert.deepEqual(results.slice(0, 2), [{ ok: true, refused: {} }, { ok: true, refused: {} }]);
  assert.deepEqual(results[2], { ok: false, code: 451, reply: '4.7.1 SMTP user s200_0 has reached its limit of 2 messages per hour; try again later' });
  assert.equal((await upstream.waitForMessages(2)).length, 2);
});

test('AUTH before STARTTLS where the port requires TLS for AUTH is refused; after STARTTLS it works', async (t) => {
  const { relay, upstream } = await setup(t, { tls: await testCertificate(), listeners: [] });
  await relay.configure({ listeners: [{ port: relay.port, address: '127.0.0.1', encryption: 'starttls', requireTlsForAuth: true }] });
  const plain = await send(relay, 'a@company.com', login());
  // AUTH is not offered before TLS, so a client that reads EHLO never sends its password in clear (relay-login-tls.test.ts).
  assert.match(plain.output, /Host did not advertise authentication/);
  assert.doesNotMatch(plain.output, / -> AUTH/);
  const secure = await send(relay, 'a@company.com', [...login(), '--tls']);
  assert.equal(secure.code, 0, secure.output);
  assert.equal((await upstream.waitForMessages(1)).length, 1);
});

test('a port that requires STARTTLS refuses MAIL before TLS, even from a trusted device', async (t) => {
  const { relay, upstream } = await setup(t, { tls: await testCertificate() }, { ...USER, trustedClients: ['127.0.0.1'] });
  await relay.configure({ listeners: [{ port: relay.port, address: '127.0.0.1', encryption: 'starttls-required', requireTlsForAuth: false }] });
  const plain = await send(relay, 'a@company.com');
  assert.match(plain.output, /<[*~]\* 530 5\.7\.0 Must issue a STARTTLS command first/);
  await assertNothingRelayed(relay, upstream);
  const secure = await send(relay, 'a@company.com', ['--tls']);
  assert.equal(secure.code, 0, secure.output);
});

test('repeated failed logins from one address are refused for a while, and reported', async (t) => {
  const limits = { maxMessageBytes: 1_000_000, maxRecipients: 10, maxConnections: 50, authFailures: { max: 3, windowSeconds: 600, blockSeconds: 900 } };
  const { relay, upstream } = await setup(t, { limits });
  for (let i = 0; i < 3; i++) {
    const wrong = await send(relay, 'a@company.com', login({ ...USER, password: `guess-${i}` }));
    assert.match(wrong.output, /535 5\.7\.8/);
  }
  const blocked = await relay.waitForEvent('auth-blocked');
  assert.equal(blocked.remoteAddress, '127.0.0.1');
  // Even the right password is refused while blocked: temporary, 454.
  const right = await send(relay, 'a@company.com', login());
  assert.match(right.output, /<[*~]\* 454 4\.7\.0 Too many failed logins from 127\.0\.0\.1; try again after \d\d:\d\d UTC/);
  await assertNothingRelayed(relay, upstream);
});

test('a trusted device sends without AUTH, bound by its user\'s sender rules; other addresses are not trusted', async (t) => {
  const { relay, upstream } = await setup(t, {}, { ...USER, trustedClients: ['10.0.0.0/8', '127.0.0.0/30'] });
  const ok = await send(relay, 'scanner@company.com');
  assert.equal(ok.code, 0, ok.output);
  const [relayed] = await upstream.waitForMessages(1);
  assert.match(relayed ? unfolded(relayed.raw) : '', /with ESMTP id [0-9A-Z]+ \(trusted device of s200_0\)/);
  const wrongSender = await send(relay, 'scanner@other.example');
  assert.match(wrongSender.output, /<[*~]\* 553 5\.7\.1 Sender <scanner@other\.example> is not authorized for SMTP user s200_0/);
  await relay.configure({ users: [await relayUser({ ...USER, trustedClients: ['10.0.0.0/8'] })] });
  const notTrusted = await send(relay, 'scanner@company.com');
  assert.match(notTrusted.output, /<[*~]\* 530 5\.7\.0 Authentication required/);
});
