/**
 * What `relay-desk sender` and `relay-desk user` say about verification codes,
 * against a running host with a real DNS server (dnsmasq) and upstream
 * (aiosmtpd): only what happened.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertOneLineError, cli, cliJson, cliOk } from '../fixtures/cli.js';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { SMARTHOST_ACCOUNT, smarthostWithAccount, verifyDomain } from '../fixtures/scenario.js';
import { startUpstream } from '../fixtures/upstream.js';

const at = (relay: RelayDesk) => ['--data-dir', relay.dataDir];

test('sender add-address of an address at a verified domain says it needs no code; sender list says what covers it', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  await verifyDomain(relay, dns, 'company.example');
  assert.equal(
    await cliOk(['sender', 'add-address', 'anna@company.example', ...at(relay)]),
    'anna@company.example needs no code: it is covered by the verified domain company.example. SMTP users may be authorized to send from it now.\n',
  );
  assert.match(await cliOk(['sender', 'list', ...at(relay)]), /^address +anna@company\.example +covered by company\.example +- +- +\d{4}-/m);
  assert.equal((await upstream.received()).length, 0);
});

test('sender code-from shows where codes are mailed from, chooses a verified address, refuses one that is not, and goes back to the default', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  assert.equal(
    await cliOk(['sender', 'code-from', ...at(relay)]),
    'No verification code can be mailed. No upstream is set: choose a smarthost or direct delivery under Server first.\n',
  );
  const upstream = await smarthostWithAccount(t, relay);
  assert.equal(await cliOk(['sender', 'code-from', ...at(relay)]), `Verification codes are mailed from ${SMARTHOST_ACCOUNT.user} (the smarthost account's address).\n`);
  assertOneLineError(
    await cli(['sender', 'code-from', 'it@office.example', ...at(relay)]),
    /^relay-desk: it@office\.example is not a verified sender: verify it \(or its domain\) under Senders first, or choose the smarthost account relay@company\.example\.$/,
  );
  await verifyDomain(relay, dns, 'office.example');
  assert.equal(await cliOk(['sender', 'code-from', 'it@office.example', ...at(relay)]), 'Verification codes are mailed from it@office.example (chosen by you).\n');
  await cliOk(['sender', 'add-address', 'billing@shop.example', ...at(relay)]);
  assert.equal((await upstream.waitForMessages(1))[0]?.mailFrom, 'it@office.example');
  assert.match(await cliOk(['sender', 'code-from', '--default', ...at(relay)]), /^Verification codes are mailed from relay@company\.example \(the smarthost account's address\)\.$/m);
  assertOneLineError(await cli(['sender', 'code-from', 'a@b.example', '--default', ...at(relay)]), /give an ADDRESS or --default, not both; see relay-desk sender code-from --help$/);
});

test('user add and user set print a code as mailed only when this command mailed it, and nothing about codes on other changes', async (t) => {
  const relay = await startRelayDesk(t);
  const upstream = await smarthostWithAccount(t, relay);
  const { name } = (await ok(relay, 'users.create', { addresses: 'billing@shop.example' })).user;
  await upstream.waitForMessages(1);

  // The address is still pending: another change says nothing about codes, and mails none.
  assert.equal(await cliOk(['user', 'set', name, '--active', 'yes', ...at(relay)]), `User ${name} updated: active, priority 3 (Normal), list "SMTP+".\n`);
  assert.equal(await cliOk(['user', 'set', name, '--note', 'Billing', '--addresses', 'billing@shop.example', ...at(relay)]), `User ${name} updated: active, priority 3 (Normal), list "SMTP+".\n`);
  // A new address beside it: just that one is mailed.
  assert.equal(
    await cliOk(['user', 'set', name, '--addresses', 'billing@shop.example;sales@shop.example', ...at(relay)]),
    `User ${name} updated: active, priority 3 (Normal), list "SMTP+".\nA verification code was mailed to sales@shop.example; enter it with: relay-desk sender confirm ADDRESS CODE\n`,
  );
  const received = await upstream.waitForMessages(2);
  assert.deepEqual(received.map((m) => m.rcptTos), [['billing@shop.example'], ['sales@shop.example']]);
  const json = await cliJson<{ verification: unknown }>(['user', 'set', name, '--active', 'yes', ...at(relay)]);
  assert.deepEqual(json.verification, { mailed: [], covered: [], notMailed: [] });

  const added = (await cliOk(['user', 'add', '--addresses', 'info@shop.example', ...at(relay)])).split('\n');
  assert.match(added[0] ?? '', /^User: s\d+_1$/);
  assert.deepEqual(added.slice(2), ['A verification code was mailed to info@shop.example; enter it with: relay-desk sender confirm ADDRESS CODE', '']);
  assert.deepEqual((await upstream.waitForMessages(3))[2]?.rcptTos, ['info@shop.example']);
});

test('without an upstream user add says the code could not be mailed and why; an address at a verified domain needs none; a user without senders is warned', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  const printed = (await cliOk(['user', 'add', '--addresses', 'billing@shop.example', ...at(relay)])).split('\n');
  const name = /^User: (s\d+_0)$/.exec(printed[0] ?? '')?.[1] ?? assert.fail(printed.join('\n'));
  assert.deepEqual(printed.slice(2), [
    'No verification code could be mailed to billing@shop.example: no upstream is set: choose a smarthost or direct delivery under Server first. Send it later with: relay-desk sender resend-code billing@shop.example',
    '',
  ]);
  assert.equal(await cliOk(['user', 'set', name, '--active', 'yes', ...at(relay)]), `User ${name} updated: active, priority 3 (Normal), list "SMTP+".\n`);

  await verifyDomain(relay, dns, 'company.example');
  const covered = (await cliOk(['user', 'add', '--addresses', 'anna@company.example', ...at(relay)])).split('\n');
  assert.deepEqual(covered.slice(2), ['anna@company.example needs no code: it is covered by the verified domain company.example.', '']);

  const bare = (await cliOk(['user', 'add', '--trusted', '192.168.1.20', ...at(relay)])).split('\n');
  const bareName = /^User: (s\d+_2)$/.exec(bare[0] ?? '')?.[1] ?? assert.fail(bare.join('\n'));
  assert.deepEqual(bare.slice(2), [
    `${bareName} has no authorized sender, so it cannot send anything (nor can its trusted devices): add one with relay-desk user set ${bareName} --domains DOMAIN or --addresses ADDRESS`,
    '',
  ]);
});
