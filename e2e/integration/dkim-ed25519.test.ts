/**
 * The Ed25519 DKIM signature (RFC 8463) a verified domain may add beside its
 * RSA one, end to end: turned on through the API and the CLI, its record
 * published on a real DNS server (dnsmasq), mail sent by swaks through the
 * relay to a real upstream (aiosmtpd), and both signatures checked by dkimpy
 * (with PyNaCl), a verifier no one here wrote. The doctor reads the record;
 * the key stays out of every file in the data folder.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { cli } from '../fixtures/cli.js';
import { verifyDkim } from '../fixtures/dkim.js';
import { startDns, type DnsServer } from '../fixtures/dns.js';
import { headerValues } from '../fixtures/messages.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { assertNoSecrets, filesUnder } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { startUpstream, type Upstream } from '../fixtures/upstream.js';

const DOMAIN = 'company.example';

/** A relay with company.example verified, its RSA key published, and a user who may send from it. */
async function verifiedDomain(t: TestContext): Promise<{ relay: RelayDesk; dns: DnsServer; upstream: Upstream; records: Record<string, string[]>; send: (subject: string) => Promise<Buffer> }> {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });
  const added = await ok(relay, 'senders.addDomain', { domain: DOMAIN });
  const records: Record<string, string[]> = { [`_relay-desk.${DOMAIN}`]: [added.records[0]?.value ?? ''] };
  await dns.setTxtRecords(records);
  const checked = await ok(relay, 'senders.checkDomain', { domain: DOMAIN });
  const rsa = checked.domain.records.find((r) => r.purpose === 'dkim');
  assert.ok(rsa, checked.reason);
  records[rsa.name] = [rsa.value];
  await dns.setTxtRecords(records);
  const { user, password } = await ok(relay, 'users.create', { domains: DOMAIN });
  let sent = 0;
  const send = async (subject: string) => {
    const result = await swaks(relay.smtpPort, ['--from', `sales@${DOMAIN}`, '--to', 'customer@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', password, '--header', `Subject: ${subject}`]);
    assert.equal(result.code, 0, result.output);
    const received = await upstream.waitForMessages(++sent);
    const last = received.at(-1);
    assert.ok(last);
    return last.raw;
  };
  return { relay, dns, upstream, records, send };
}

test('Ed25519 turned on: a second record to publish, mail signed twice, dkimpy verifies both; turned off: RSA only again', async (t) => {
  const { relay, dns, records, send } = await verifiedDomain(t);
  const before = await send('Before');
  assert.equal(headerValues(before, 'DKIM-Signature').length, 1, 'RSA only until the admin turns Ed25519 on');

  const on = await ok(relay, 'senders.setEd25519', { domain: DOMAIN, on: true });
  assert.equal(on.ed25519, true);
  const record = on.records.find((r) => r.purpose === 'dkim-ed25519');
  assert.ok(record, JSON.stringify(on.records));
  assert.equal(record.name, `relaydesk-ed25519._domainkey.${DOMAIN}`);
  assert.match(record.value, /^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/, 'p= is the raw 32-byte key');
  assert.deepEqual((await ok(relay, 'senders.setEd25519', { domain: DOMAIN, on: true })).records, on.records, 'turning it on again keeps the key');

  // Not published yet: the doctor says so, as a warning (the RSA signature still passes).
  const unpublished = (await ok(relay, 'doctor.run', {})).checks.find((c) => c.id === `dns:${DOMAIN}:dkim-ed25519`);
  assert.equal(unpublished?.status, 'warning', JSON.stringify(unpublished));
  assert.equal(unpublished.title, `${DOMAIN} DKIM (Ed25519)`);
  assert.deepEqual(unpublished.publish, [{ type: 'TXT', name: record.name, value: record.value }]);

  records[record.name] = [record.value];
  await dns.setTxtRecords(records);
  const published = (await ok(relay, 'doctor.run', {})).checks.find((c) => c.id === `dns:${DOMAIN}:dkim-ed25519`);
  assert.equal(published?.status, 'ok', JSON.stringify(published));
  const check = await ok(relay, 'senders.checkDomain', { domain: DOMAIN });
  assert.match(check.reason, new RegExp(`The DKIM record ${record.name.replace(/\./g, '\\.')} is published\\.`));

  const both = await send('Signed twice');
  const signatures = headerValues(both, 'DKIM-Signature');
  assert.equal(signatures.length, 2);
  assert.match(signatures[0] ?? '', /\ba=rsa-sha256;.*\bs=relaydesk;/);
  assert.match(signatures[1] ?? '', /\ba=ed25519-sha256;.*\bs=relaydesk-ed25519;/);
  const verified = await verifyDkim(both, dns);
  assert.deepEqual(verified.signatures, [{ algorithm: 'rsa-sha256', ok: true }, { algorithm: 'ed25519-sha256', ok: true }], verified.output);

  const off = await ok(relay, 'senders.setEd25519', { domain: DOMAIN, on: false });
  assert.equal(off.ed25519, false);
  assert.equal(off.records.some((r) => r.purpose === 'dkim-ed25519'), false);
  const after = await send('After');
  assert.equal(headerValues(after, 'DKIM-Signature').length, 1);
  assert.equal((await verifyDkim(after, dns)).ok, true);
  assert.equal((await ok(relay, 'doctor.run', {})).checks.some((c) => c.id === `dns:${DOMAIN}:dkim-ed25519`), false);

  assertNoSecrets(await filesUnder(relay.dataDir), []);
});

test('Ed25519 only for a verified domain, and through the CLI with the record to publish', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await ok(relay, 'senders.addDomain', { domain: 'pending.example' });
  const refused = apiError(await relay.call('senders.setEd25519', { domain: 'pending.example', on: true }), 409);
  assert.equal(refused.code, 'domain_not_verified');
  assert.match(refused.message, /^pending\.example is not verified yet: publish its verification record and check it first/);
  assert.equal(apiError(await relay.call('senders.setEd25519', { domain: 'other.example', on: true }), 404).code, 'not_found');

  const { relay: verified } = await verifiedDomain(t);
  const on = await cli(['sender', 'ed25519', DOMAIN, 'on', '--data-dir', verified.dataDir]);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, new RegExp(`^${DOMAIN.replace('.', '\\.')}'s mail is signed with Ed25519 beside RSA\\. Publish this record too:\\n`));
  assert.match(on.stdout, /TXT\s+relaydesk-ed25519\._domainkey\.company\.example\s+v=DKIM1; k=ed25519; p=/);
  const wrong = await cli(['sender', 'ed25519', DOMAIN, 'yes', '--data-dir', verified.dataDir]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /say on or off, not "yes"/);
  const off = await cli(['sender', 'ed25519', DOMAIN, 'off', '--data-dir', verified.dataDir]);
  assert.equal(off.code, 0, off.stderr);
  assert.equal(off.stdout.trim(), `${DOMAIN}'s mail is signed with RSA only. The Ed25519 record can be removed from DNS.`);
});
