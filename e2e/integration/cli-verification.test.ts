/**
 * What `relay-desk sender` and `relay-desk user` say about verification codes,
 * against a running host with a real DNS server (dnsmasq) and upstream
 * (aiosmtpd): only what happened.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertOneLineError, cli, cliOk } from '../fixtures/cli.js';
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
