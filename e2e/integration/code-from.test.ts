/**
 * The address verification codes are mailed from, through the real host, a
 * real upstream (aiosmtpd) and a real DNS server (dnsmasq): the admin's
 * choice among the senders Relay Desk knows are theirs, signed with DKIM
 * for a verified domain so that the provider and the recipient's server
 * accept it; and no code at all, with the reason, where no such address
 * exists.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { verifyDkim } from '../fixtures/dkim.js';
import { startDns } from '../fixtures/dns.js';
import { headerValues, verificationCode } from '../fixtures/messages.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { SMARTHOST_ACCOUNT, smarthostWithAccount } from '../fixtures/scenario.js';
import { startUpstream } from '../fixtures/upstream.js';

test('codes go out from the address the admin chose at a verified domain, DKIM-signed for it', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const upstream = await smarthostWithAccount(t, relay);
  assert.deepEqual((await ok(relay, 'senders.list', {})).codeFrom, { chosen: null, from: SMARTHOST_ACCOUNT.user, source: 'smarthost-account', problem: null });

  const refused = apiError(await relay.call('senders.setCodeFrom', { address: 'it@office.example' }), 409);
  assert.deepEqual([refused.code, refused.field], ['code_from_not_verified', 'address']);
  assert.equal(refused.message, `it@office.example is not a verified sender: verify it (or its domain) under Senders first, or choose the smarthost account ${SMARTHOST_ACCOUNT.user}.`);

  const added = await ok(relay, 'senders.addDomain', { domain: 'office.example' });
  const verification = added.records[0];
  assert.ok(verification);
  await dns.setTxtRecords({ [verification.name]: [verification.value] });
  const checked = await ok(relay, 'senders.checkDomain', { domain: 'office.example' });
  const dkim = checked.domain.records.find((r) => r.purpose === 'dkim');
  assert.ok(dkim);
  await dns.setTxtRecords({ [verification.name]: [verification.value], [dkim.name]: [dkim.value] });

  assert.deepEqual(await ok(relay, 'senders.setCodeFrom', { address: 'IT@office.example' }), {
    chosen: 'it@office.example',
    from: 'it@office.example',
    source: 'chosen',
    problem: null,
  });
  await ok(relay, 'senders.addAddress', { address: 'billing@shop.example' });
  const [mail] = await upstream.waitForMessages(1);
  assert.ok(mail);
  assert.equal(mail.mailFrom, 'it@office.example');
  assert.deepEqual(headerValues(mail.raw, 'From'), ['Relay Desk <it@office.example>']);
  assert.match(headerValues(mail.raw, 'DKIM-Signature')[0] ?? '', /\bd=office\.example;.*\bs=relaydesk;/);
  const signature = await verifyDkim(mail.raw, dns);
  assert.equal(signature.ok, true, signature.output);
  assert.equal((await ok(relay, 'senders.confirmAddress', { address: 'billing@shop.example', code: verificationCode(mail) })).status, 'verified');

  // Back to the default: the smarthost account's address again.
  assert.equal((await ok(relay, 'senders.setCodeFrom', { address: null })).from, SMARTHOST_ACCOUNT.user);
  await ok(relay, 'senders.addAddress', { address: 'sales@shop.example' });
  assert.equal((await upstream.waitForMessages(2))[1]?.mailFrom, SMARTHOST_ACCOUNT.user);
});

test('with no upstream, or a smarthost without an account address and nothing chosen, no code is mailed and the reason is given', async (t) => {
  const relay = await startRelayDesk(t);
  const none = apiError(await relay.call('senders.addAddress', { address: 'billing@shop.example' }), 409);
  assert.deepEqual(
    [none.code, none.message],
    [
      'mail_failed',
      'The verification code could not be sent to billing@shop.example: no upstream is set: choose a smarthost or direct delivery under Server first. The address stays pending; send the code again once mail can be sent.',
    ],
  );
  const listed = await ok(relay, 'senders.list', {});
  assert.deepEqual(listed.addresses.map((a) => [a.address, a.status, a.codeSentAt]), [['billing@shop.example', 'pending', null]]);
  assert.deepEqual(listed.codeFrom.problem, { code: 'no_upstream', message: 'No upstream is set: choose a smarthost or direct delivery under Server first.' });

  const upstream = await startUpstream(t);
  await ok(relay, 'upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'none' });
  const view = (await ok(relay, 'senders.list', {})).codeFrom;
  assert.equal(view.from, null);
  assert.equal(view.problem?.code, 'no_address');
  assert.match(view.problem.message, /^No address is chosen to mail codes from, and the smarthost logs in with no account address to use instead/);
  assert.match(apiError(await relay.call('senders.resendCode', { address: 'billing@shop.example' })).message, /could not be sent to billing@shop\.example: no address is chosen to mail codes from/);
  assert.deepEqual(await upstream.received(), []);
});
