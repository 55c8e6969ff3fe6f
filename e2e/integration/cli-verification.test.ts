/**
 * What `relay-desk sender` and `relay-desk user` say about verification codes,
 * against a running host with a real DNS server (dnsmasq) and upstream
 * (aiosmtpd): only what happened.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliOk } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { verifyDomain } from '../fixtures/scenario.js';
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
