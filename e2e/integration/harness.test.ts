/**
 * The real components the suites rely on work as the fixtures promise: the
 * OS keychain, the DNS server and the upstream's failure mode.
 */
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { test } from 'node:test';
import keytar from 'keytar';
import { startDns } from '../fixtures/dns.js';
import { requireKeyringSession } from '../fixtures/keyring.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream } from '../fixtures/upstream.js';

test('the OS keychain (gnome-keyring over D-Bus) stores, returns and deletes a secret', async () => {
  requireKeyringSession();
  const service = `relay-desk-harness-${process.pid}`;
  await keytar.setPassword(service, 'account', 'not-a-real-secret');
  assert.equal(await keytar.getPassword(service, 'account'), 'not-a-real-secret');
  assert.equal(await keytar.deletePassword(service, 'account'), true);
  assert.equal(await keytar.getPassword(service, 'account'), null);
});

test('dnsmasq answers the TXT records a test sets, and new ones after a change', async (t) => {
  const dns = await startDns(t, { '_relay-desk.office.example': ['relay-desk-verification=abc123'] });
  const resolver = new Resolver();
  resolver.setServers([dns.server]);
  assert.deepEqual(await resolver.resolveTxt('_relay-desk.office.example'), [['relay-desk-verification=abc123']]);
  await dns.setTxtRecords({ '_relay-desk.office.example': ['relay-desk-verification=def456'] });
  assert.deepEqual(await resolver.resolveTxt('_relay-desk.office.example'), [['relay-desk-verification=def456']]);
  await assert.rejects(resolver.resolveTxt('missing.office.example'), { code: 'ENOTFOUND' });
});

test('the upstream refuses with the reply a test chooses, then accepts again', async (t) => {
  const upstream = await startUpstream(t);
  await upstream.refuseWith('451 4.3.0 Try again later');
  const refused = await swaks(upstream.port, ['--from', 'a@office.example', '--to', 'b@example.org']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /451 4\.3\.0 Try again later/);
  await upstream.accept();
  const accepted = await swaks(upstream.port, ['--from', 'a@office.example', '--to', 'b@example.org']);
  assert.equal(accepted.code, 0, accepted.output);
  assert.equal((await upstream.waitForMessages(1)).length, 1);
});
