/**
 * senders.* through the real HTTP transport: domains proven with a TXT record
 * that a real DNS server (dnsmasq) serves, addresses with a code that the
 * relay mails to a real upstream (aiosmtpd), where the test reads it as the
 * address's owner would. Every bad input is refused with a stable code and
 * words that say what to do. Code expiry (24 hours) is tested with an
 * explicit clock in electron/test/senders-codes.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok, type ErrorBody } from '../fixtures/api.js';
import { verifyDkim } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues, verificationCode } from '../fixtures/messages.js';
import { startRelayDesk, type ApiResponse } from '../fixtures/relay-desk.js';
import { SMARTHOST_ACCOUNT, smarthostWithAccount } from '../fixtures/scenario.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

/** Sender refusals are conflicts (409) unless a test says otherwise. */
function error(response: ApiResponse, status = 409): ErrorBody {
  return apiError(response, status);
}

test('domains: a bad or duplicate domain is refused with a hint; the TXT record to publish is shown', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });

  const www = error(await relay.call('senders.addDomain', { domain: 'www.company.example' }), 409);
  assert.equal(www.code, 'invalid_domain');
  assert.equal(www.field, 'domain');
  assert.equal(www.message, '"www.company.example" is a web server\'s name; enter the domain itself, e.g. company.example.');
  const notDomain = error(await relay.call('senders.addDomain', { domain: 'not a domain' }));
  assert.deepEqual([notDomain.code, notDomain.message], ['invalid_domain', '"not a domain" is not a valid domain name: it contains a space.']);
  const several = error(await relay.call('senders.addDomain', { domain: 'company.example;other.example' }));
  assert.deepEqual([several.code, several.message], ['invalid_domain', '"company.example;other.example" holds several entries; add one domain at a time.']);
  assert.equal(error(await relay.call('senders.addDomain', { domain: 'company' })).code, 'invalid_domain');
  assert.equal(error(await relay.call('senders.addDomain', { domain: 'info@company.example' })).code, 'invalid_domain');
  assert.equal(error(await relay.call('senders.addDomain', { domain: '  ' }), 400).code, 'invalid_input');

  const added = await ok(relay, 'senders.addDomain', { domain: ' Company.Example. ' });
  assert.equal(added.domain, 'company.example');
  assert.equal(added.status, 'pending');
  assert.equal(added.verifiedAt, null);
  assert.equal(added.method, null);
  assert.equal(added.lastCheck, null);
  assert.ok(!Number.isNaN(Date.parse(added.addedAt)));
  assert.equal(added.records.length, 1);
  const [record] = added.records;
  assert.ok(record);
  assert.equal(record.purpose, 'verification');
  assert.equal(record.type, 'TXT');
  assert.equal(record.name, '_relay-desk.company.example');
  assert.match(record.value, /^relay-desk-verification=[A-Za-z0-9_-]{32}$/);

  const idn = await ok(relay, 'senders.addDomain', { domain: 'bücher.example' });
  assert.equal(idn.domain, 'xn--bcher-kva.example');
  assert.notEqual(idn.records[0]?.value, record.value, 'each domain has its own token');

  const duplicate = error(await relay.call('senders.addDomain', { domain: 'COMPANY.example' }));
  assert.deepEqual([duplicate.code, duplicate.message], ['already_exists', 'company.example is already a sender domain (pending).']);

  const listed = await ok(relay, 'senders.list', {});
  assert.deepEqual(listed.domains, [added, idn]);
  assert.deepEqual(listed.addresses, []);
});

test('domains: the check says what DNS holds until the record is right, then the domain is verified with a DKIM key', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const added = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  const expected = added.records[0]?.value ?? '';

  assert.equal(error(await relay.call('senders.checkDomain', { domain: 'unknown.example' }), 404).message, 'unknown.example is not among the sender domains.');
  assert.equal(error(await relay.call('senders.checkDomain', { domain: 'not a domain' })).code, 'invalid_domain');

  // Nothing published yet.
  const missing = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(missing.verified, false);
  assert.match(missing.reason, /^No TXT record _relay-desk\.company\.example was found\./);
  assert.equal(missing.domain.status, 'pending');
  assert.equal(missing.domain.lastCheck?.result, missing.reason, 'the last check is kept and shown');

  // Published at the domain itself instead of under _relay-desk.
  await dns.setTxtRecords({ 'company.example': [expected] });
  const atApex = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(atApex.verified, false);
  assert.match(atApex.reason, /The value is published at company\.example itself; publish it under the name _relay-desk\.company\.example instead\./);

  // A wrong value.
  await dns.setTxtRecords({ '_relay-desk.company.example': ['relay-desk-verification=old-token'] });
  const wrong = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(wrong.verified, false);
  assert.equal(wrong.reason, `The TXT record _relay-desk.company.example holds "relay-desk-verification=old-token", not the expected ${expected}.`);
  assert.equal(wrong.domain.status, 'pending');

  // The right value, among others.
  await dns.setTxtRecords({ '_relay-desk.company.example': ['v=spf1 -all', expected] });
  const right = await ok(relay, 'senders.checkDomain', { domain: 'Company.Example' });
  assert.equal(right.verified, true, right.reason);
  assert.match(right.reason, /^The TXT record _relay-desk\.company\.example holds the expected value\. company\.example is verified/);
  assert.equal(right.domain.status, 'verified');
  assert.equal(right.domain.method, 'dns-txt');
  assert.ok(right.domain.verifiedAt && Date.parse(right.domain.verifiedAt) >= Date.parse(added.addedAt));
  const dkim = right.domain.records.find((r) => r.purpose === 'dkim');
  assert.ok(dkim, 'a verified domain shows its DKIM record');
  assert.equal(dkim.name, 'relaydesk._domainkey.company.example');
  assert.match(dkim.value, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+={0,2}$/);
  assert.equal(right.domain.records.find((r) => r.purpose === 'verification')?.value, expected, 'the verification record stays shown');

  // Checking again, with the DKIM record published: still verified, and the key is confirmed.
  await dns.setTxtRecords({ '_relay-desk.company.example': [expected], [dkim.name]: [dkim.value] });
  const again = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(again.verified, true);
  assert.match(again.reason, /The DKIM record relaydesk\._domainkey\.company\.example is published\./);
  assert.deepEqual(again.domain.records, right.domain.records, 'the key is not replaced by a later check');
  assert.equal(again.domain.verifiedAt, right.domain.verifiedAt);

  // The record taken down later: reported, but the domain stays verified.
  await dns.setTxtRecords({});
  const gone = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(gone.verified, false);
  assert.match(gone.reason, /^No TXT record _relay-desk\.company\.example was found\..* company\.example stays verified \(verified since /);
  assert.equal(gone.domain.status, 'verified');
  assert.equal((await ok(relay, 'senders.list', {})).domains[0]?.lastCheck?.result, gone.reason);
});

test('domains: a verified domain authorizes its users, and their mail carries a DKIM signature that verifies with the published key', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const added = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  await dns.setTxtRecords({ '_relay-desk.company.example': [added.records[0]?.value ?? ''] });
  const checked = await ok(relay, 'senders.checkDomain', { domain: 'company.example' });
  assert.equal(checked.verified, true, checked.reason);
  const dkim = checked.domain.records.find((r) => r.purpose === 'dkim');
  assert.ok(dkim);
  await dns.setTxtRecords({ [dkim.name]: [dkim.value] });

  const { user, password } = await ok(relay, 'users.create', { domains: 'company.example' });
  assert.deepEqual(user.domains, [{ domain: 'company.example', status: 'verified' }]);
  const sent = await swaks(relay.smtpPort, [
    '--from', 'sales@company.example',
    '--to', 'customer@example.org',
    '--tls', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', password,
    '--header', 'Subject: Order confirmation',
  ]);
  assert.equal(sent.code, 0, sent.output);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.match(headerValues(received.raw, 'DKIM-Signature')[0] ?? '', /\bd=company\.example;.*\bs=relaydesk;/);
  const verified = await verifyDkim(received.raw, dns);
  assert.equal(verified.ok, true, verified.output);
});

test('domains: removing one takes it off every user; unknown ones are not found', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const added = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  await dns.setTxtRecords({ '_relay-desk.company.example': [added.records[0]?.value ?? ''] });
  assert.equal((await ok(relay, 'senders.checkDomain', { domain: 'company.example' })).verified, true);
  const { user } = await ok(relay, 'users.create', { domains: 'company.example' });

  assert.equal(error(await relay.call('senders.removeDomain', { domain: 'other.example' }), 404).code, 'not_found');
  assert.equal(error(await relay.call('senders.removeDomain', { domain: 'not a domain' })).code, 'invalid_domain');
  assert.deepEqual(await ok(relay, 'senders.removeDomain', { domain: 'Company.Example' }), { removed: 'company.example' });
  assert.deepEqual((await ok(relay, 'senders.list', {})).domains, []);
  assert.deepEqual((await ok(relay, 'users.get', { name: user.name })).domains, []);
  assert.equal(error(await relay.call('senders.checkDomain', { domain: 'company.example' }), 404).code, 'not_found');

  // Added again, it starts over with a new token.
  const again = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  assert.equal(again.status, 'pending');
  assert.notEqual(again.records[0]?.value, added.records[0]?.value);
});

test('each sender names the users authorized for it: how many, and the first five', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const added = await ok(relay, 'senders.addDomain', { domain: 'company.example' });
  await dns.setTxtRecords({ '_relay-desk.company.example': [added.records[0]?.value ?? ''] });
  assert.equal((await ok(relay, 'senders.checkDomain', { domain: 'company.example' })).verified, true);
  const names: string[] = [];
  for (let i = 0; i < 7; i++) {
    // Entries typed in another case still count for the sender.
    const created = await ok(relay, 'users.create', { domains: i === 0 ? 'Company.Example' : 'company.example', note: `desk ${String(i)}` });
    names.push(created.user.name);
  }
  await ok(relay, 'users.create', { addresses: 'billing@shop.example' });
  const listed = await ok(relay, 'senders.list', {});
  assert.deepEqual(listed.domains[0]?.authorizedUsers, {
    total: 7,
    first: names.slice(0, 5).map((name, i) => ({ name, note: `desk ${String(i)}` })),
  });
  assert.equal(listed.addresses[0]?.address, 'billing@shop.example');
  assert.equal(listed.addresses[0].authorizedUsers.total, 1);
  await ok(relay, 'users.delete', { name: names[0] ?? '' });
  assert.equal((await ok(relay, 'senders.list', {})).domains[0]?.authorizedUsers.total, 6);
});

test('addresses: the code arrives by mail, a wrong one is refused with the tries left, the right one verifies once', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);

  const noAt = error(await relay.call('senders.addAddress', { address: 'company.example' }));
  assert.deepEqual(
    [noAt.code, noAt.field, noAt.message],
    ['invalid_address', 'address', '"company.example" is not a valid email address: it needs exactly one @, e.g. info@company.com.'],
  );
  assert.equal(error(await relay.call('senders.addAddress', { address: 'info@company' })).code, 'invalid_address');
  assert.match(error(await relay.call('senders.addAddress', { address: 'a@company.example;b@company.example' })).message, /add one address at a time/);
  assert.match(error(await relay.call('senders.addAddress', { address: 'in fo@company.example' })).message, /contains a space/);

  const added = await ok(relay, 'senders.addAddress', { address: 'Info@Company.Example' });
  assert.equal(added.address, 'info@company.example');
  assert.equal(added.status, 'pending');
  assert.equal(added.method, null);
  assert.ok(added.codeSentAt);
  assert.equal(error(await relay.call('senders.addAddress', { address: 'info@company.example' })).code, 'already_exists');

  const [mail] = await upstream.waitForMessages(1);
  assert.ok(mail);
  assert.deepEqual(mail.rcptTos, ['info@company.example']);
  // From the smarthost account: the provider vouches for no other address.
  assert.equal(mail.mailFrom, SMARTHOST_ACCOUNT.user);
  assert.equal(mail.authUser, SMARTHOST_ACCOUNT.user);
  assert.deepEqual(headerValues(mail.raw, 'Subject'), ['Your Relay Desk verification code']);
  assert.deepEqual(headerValues(mail.raw, 'From'), [`Relay Desk <${SMARTHOST_ACCOUNT.user}>`]);
  assert.deepEqual(headerValues(mail.raw, 'Content-Type'), ['text/plain; charset=utf-8']);
  assert.match(mail.raw.toString('utf8'), /valid for 24 hours/);
  const code = verificationCode(mail);

  const wrongCode = code === '000000' ? '000001' : '000000';
  const wrong = error(await relay.call('senders.confirmAddress', { address: 'info@company.example', code: wrongCode }));
  assert.deepEqual([wrong.code, wrong.field, wrong.message], ['wrong_code', 'code', 'That is not the code sent to info@company.example. 4 tries left.']);
  assert.equal(error(await relay.call('senders.confirmAddress', { address: 'info@company.example', code: 'abc' })).code, 'invalid_code');
  assert.equal(error(await relay.call('senders.confirmAddress', { address: 'other@company.example', code }), 404).code, 'not_found');

  const verified = await ok(relay, 'senders.confirmAddress', { address: 'INFO@company.example', code: `${code.slice(0, 3)} ${code.slice(3)}` });
  assert.equal(verified.status, 'verified');
  assert.equal(verified.method, 'email-code');
  assert.ok(verified.verifiedAt);

  const twice = error(await relay.call('senders.confirmAddress', { address: 'info@company.example', code }));
  assert.equal(twice.code, 'already_verified');
  assert.match(twice.message, /^info@company\.example is already verified since /);
  assert.equal(error(await relay.call('senders.resendCode', { address: 'info@company.example' })).code, 'already_verified');
  assert.deepEqual((await ok(relay, 'senders.list', {})).addresses, [verified]);
});

test('addresses: five wrong codes void the code; a resent code replaces it and works', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  await ok(relay, 'senders.addAddress', { address: 'scanner@company.example' });
  const first = verificationCode((await upstream.waitForMessages(1))[0]);
  const wrongCode = first === '000000' ? '000001' : '000000';
  const confirm = (code: string) => relay.call('senders.confirmAddress', { address: 'scanner@company.example', code });

  for (const left of [4, 3, 2, 1]) {
    const wrong = error(await confirm(wrongCode));
    assert.equal(wrong.code, 'wrong_code');
    assert.match(wrong.message, new RegExp(`${left} tr(y|ies) left\\.$`));
  }
  const fifth = error(await confirm(wrongCode), 429);
  assert.deepEqual(
    [fifth.code, fifth.message],
    ['too_many_tries', 'Too many wrong codes were entered for scanner@company.example, so this code no longer works. Send a new code.'],
  );
  assert.equal(error(await confirm(first), 429).code, 'too_many_tries', 'even the right code is refused now');

  const resent = await ok(relay, 'senders.resendCode', { address: 'scanner@company.example' });
  assert.equal(resent.status, 'pending');
  const messages = await upstream.waitForMessages(2);
  const second = verificationCode(messages[1]);
  if (second !== first) assert.equal(error(await confirm(first)).code, 'wrong_code', 'the old code is no longer valid');
  assert.equal((await ok(relay, 'senders.confirmAddress', { address: 'scanner@company.example', code: second })).status, 'verified');

  assert.equal(error(await relay.call('senders.resendCode', { address: 'nobody@company.example' }), 404).code, 'not_found');
  assert.equal(error(await relay.call('senders.resendCode', { address: 'nobody' })).code, 'invalid_address');
});

test('addresses: a user\'s new address starts its verification; removing the address takes it off the user', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  const { user } = await ok(relay, 'users.create', { addresses: 'billing@company.example' });
  assert.deepEqual(user.addresses, [{ address: 'billing@company.example', status: 'pending' }]);
  const [mail] = await upstream.waitForMessages(1);
  assert.deepEqual(mail?.rcptTos, ['billing@company.example']);
  const listed = (await ok(relay, 'senders.list', {})).addresses;
  assert.deepEqual(listed.map((a) => [a.address, a.status]), [['billing@company.example', 'pending']]);

  assert.equal(error(await relay.call('senders.removeAddress', { address: 'other@company.example' }), 404).code, 'not_found');
  assert.equal(error(await relay.call('senders.removeAddress', { address: 'not-an-address' })).code, 'invalid_address');
  assert.deepEqual(await ok(relay, 'senders.removeAddress', { address: 'billing@company.example' }), { removed: 'billing@company.example' });
  assert.deepEqual((await ok(relay, 'senders.list', {})).addresses, []);
  assert.deepEqual((await ok(relay, 'users.get', { name: user.name })).addresses, []);
  assert.equal(error(await relay.call('senders.confirmAddress', { address: 'billing@company.example', code: verificationCode(mail) }), 404).code, 'not_found');
});

test('an address confirmed after its user was made lets that user send from it at once; removed, it no longer does', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  // A new user's address starts its verification: the code goes out through the upstream.
  const { user, password } = await ok(relay, 'users.create', { addresses: 'billing@company.example' });
  const [codeMail] = await upstream.waitForMessages(1);
  const send = (subject: string) =>
    swaks(relay.smtpPort, [
      ...['--from', 'billing@company.example', '--to', 'boss@example.org', '--header', 'From: billing@company.example', '--header', `Subject: ${subject}`],
      ...['--tls', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', password],
    ]);
  assert.match((await send('before')).output, /553 5\.7\.1 .*billing@company\.example.* not verified/i);

  await ok(relay, 'senders.confirmAddress', { address: 'billing@company.example', code: verificationCode(codeMail) });
  const sent = await send('confirmed');
  assert.equal(sent.code, 0, sent.output);
  const [, delivered] = await upstream.waitForMessages(2);
  assert.deepEqual(headerValues(delivered?.raw ?? Buffer.alloc(0), 'Subject'), ['confirmed']);

  await ok(relay, 'senders.removeAddress', { address: 'billing@company.example' });
  assert.match((await send('removed')).output, /553 5\.7\.1 Sender <billing@company\.example> is not authorized/);
});
