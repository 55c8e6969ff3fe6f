/**
 * An address at a verified domain needs no code: the domain's TXT record
 * (served by a real DNS server, dnsmasq) proved every address at it. No code
 * mail reaches the upstream (aiosmtpd), the user may send from the address
 * at once, and once the domain is removed the address is pending again and
 * the relay refuses it until it is verified by its own code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues } from '../fixtures/messages.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

function send(relay: RelayDesk, login: { user: string; password: string }, from: string, subject: string) {
  return swaks(relay.smtpPort, [
    ...['--from', from, '--to', 'boss@example.org', '--header', `From: ${from}`, '--header', `Subject: ${subject}`],
    ...['--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password],
  ]);
}

test('a user\'s address at a verified domain is covered: no code is mailed, and its mail is relayed at once', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  await verifyDomain(relay, dns, 'company.example');

  const created = await ok(relay, 'users.create', { addresses: 'anna@company.example;news@marketing.company.example' });
  assert.deepEqual(created.user.addresses, [
    { address: 'anna@company.example', status: 'covered', coveredBy: 'company.example' },
    { address: 'news@marketing.company.example', status: 'covered', coveredBy: 'company.example' },
  ]);
  assert.deepEqual(created.verification, {
    mailed: [],
    covered: [
      { address: 'anna@company.example', domain: 'company.example' },
      { address: 'news@marketing.company.example', domain: 'company.example' },
    ],
    notMailed: [],
  });
  const listed = await ok(relay, 'senders.list', {});
  assert.deepEqual(
    listed.addresses.map((a) => [a.address, a.status, a.coveredBy, a.codeSentAt]),
    [['anna@company.example', 'covered', 'company.example', null], ['news@marketing.company.example', 'covered', 'company.example', null]],
  );
  const login = { user: created.user.name, password: created.password };

  const sent = await send(relay, login, 'anna@company.example', 'Covered');
  assert.equal(sent.code, 0, sent.output);
  const [first] = await upstream.waitForMessages(1);
  assert.deepEqual(headerValues(first?.raw ?? Buffer.alloc(0), 'Subject'), ['Covered'], 'the first mail out is the user\'s, not a code');
  assert.equal((await relay.waitForMessage((m) => m.subject === 'Covered' && m.status === 'delivered')).envelopeFrom, 'anna@company.example');
  const everything = await ok(relay, 'messages.list', {});
  assert.deepEqual(everything.rows.map((m) => m.subject), ['Covered'], 'nothing else was ever queued: no code mail');
  assert.equal((await upstream.received()).length, 1);

  // Only the address is authorized, not the whole domain.
  assert.match((await send(relay, login, 'carol@company.example', 'Not hers')).output, /553 5\.7\.1 Sender <carol@company\.example> is not authorized/);

  // A covered address needs no code, and none can be sent for it.
  const added = await ok(relay, 'senders.addAddress', { address: 'info@company.example' });
  assert.deepEqual([added.status, added.coveredBy, added.codeSentAt], ['covered', 'company.example', null]);
  const resend = apiError(await relay.call('senders.resendCode', { address: 'anna@company.example' }), 409);
  assert.deepEqual([resend.code, resend.message], ['covered_by_domain', 'anna@company.example needs no code: it is covered by the verified domain company.example.']);
  assert.equal((await ok(relay, 'messages.list', {})).total, 1);
});

test('once the domain is removed, its addresses are pending and refused until each is verified by its own code', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  await verifyDomain(relay, dns, 'company.example');
  const created = await ok(relay, 'users.create', { addresses: 'anna@company.example' });
  const login = { user: created.user.name, password: created.password };
  assert.equal((await send(relay, login, 'anna@company.example', 'While covered')).code, 0);

  await ok(relay, 'senders.removeDomain', { domain: 'company.example' });
  assert.deepEqual((await ok(relay, 'users.get', { name: login.user })).addresses, [{ address: 'anna@company.example', status: 'pending' }]);
  const [address] = (await ok(relay, 'senders.list', {})).addresses;
  assert.deepEqual([address?.status, address?.coveredBy, address?.codeSentAt], ['pending', null, null], 'no code was sent: it says so');
  assert.match(
    (await send(relay, login, 'anna@company.example', 'After removal')).output,
    /553 5\.7\.1 Sender <anna@company\.example> is authorized for SMTP user s\d+_0 but not verified yet/,
  );
});
