/**
 * The DNS checks of each verified domain against a real DNS server
 * (dnsmasq) serving right, wrong and missing verification, SPF, DKIM and
 * DMARC records; the smarthost an aiosmtpd on 127.0.0.1, so a right SPF
 * record names that address.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DoctorCheck } from '../../electron/api/schemas/doctor.js';
import { ok } from '../fixtures/api.js';
import { cli } from '../fixtures/cli.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { startUpstream } from '../fixtures/upstream.js';

const DOMAINS = ['right.test', 'wrong.test', 'missing.test'];

test('each verified domain gets four DNS checks: right records are ok, wrong and missing ones say what to publish', async (t) => {
  const dns = await startDns(t);
  const upstream = await startUpstream(t);
  const relay = await startRelayDesk(t, { dns, upstream });

  // Verify the three domains with their TXT records all published at once (dnsmasq replaces the set each time).
  const verification: Record<string, string[]> = {};
  for (const domain of DOMAINS) {
    const added = await ok(relay, 'senders.addDomain', { domain });
    const record = added.records.find((r) => r.purpose === 'verification');
    assert.ok(record);
    verification[record.name] = [record.value];
  }
  await dns.setTxtRecords(verification);
  const dkim: Record<string, { name: string; value: string }> = {};
  for (const domain of DOMAINS) {
    const checked = await ok(relay, 'senders.checkDomain', { domain });
    assert.equal(checked.verified, true, checked.reason);
    const key = checked.domain.records.find((r) => r.purpose === 'dkim');
    assert.ok(key);
    dkim[domain] = key;
  }
  const rightKey = dkim['right.test'];
  const wrongKey = dkim['wrong.test'];
  assert.ok(rightKey && wrongKey);

  await dns.setTxtRecords({
    '_relay-desk.right.test': verification['_relay-desk.right.test'] ?? [],
    // The provider's record, included, names the smarthost's network.
    'right.test': ['v=spf1 include:_spf.provider.test -all'],
    '_spf.provider.test': ['v=spf1 ip4:192.0.2.0/24 ip4:127.0.0.0/8 -all'],
    [rightKey.name]: [rightKey.value],
    '_dmarc.right.test': ['v=DMARC1; p=reject'],
    '_relay-desk.wrong.test': ['relay-desk-verification=not-the-token'],
    'wrong.test': ['v=spf1 ip4:192.0.2.10 -all'],
    // The right record's key: a key, but not the one wrong.test's mail is signed with.
    [wrongKey.name]: [rightKey.value],
    '_dmarc.wrong.test': ['v=DMARC1; p=bogus'],
  });

  const report = await ok(relay, 'doctor.run', {});
  const dnsChecks = report.checks.filter((c) => c.id.startsWith('dns:'));
  const seen = (id: string): DoctorCheck => {
    const found = dnsChecks.find((c) => c.id === id);
    assert.ok(found, `${id} among ${dnsChecks.map((c) => c.id).join(', ')}`);
    return found;
  };
  assert.deepEqual(
    dnsChecks.map((c) => `${c.title}: ${c.status}`),
    [
      'right.test verification record: ok',
      'right.test SPF: ok',
      'right.test DKIM: ok',
      'right.test DMARC: ok',
      'wrong.test verification record: warning',
      'wrong.test SPF: warning',
      'wrong.test DKIM: problem',
      'wrong.test DMARC: problem',
      'missing.test verification record: warning',
      'missing.test SPF: warning',
      'missing.test DKIM: problem',
      'missing.test DMARC: warning',
    ],
  );

  assert.equal(seen('dns:right.test:spf').summary, "right.test's SPF record lets the smarthost 127.0.0.1 (127.0.0.1) send: 127.0.0.1 matches include:_spf.provider.test (ip4:127.0.0.0/8).");
  assert.equal(seen('dns:right.test:dkim').summary, `The DKIM record ${rightKey.name} holds the key the relay signs right.test's mail with.`);
  assert.equal(seen('dns:right.test:dmarc').summary, 'The DMARC record _dmarc.right.test is published with policy reject: receivers refuse mail that fails SPF and DKIM.');

  const wrongVerification = seen('dns:wrong.test:verification');
  assert.match(wrongVerification.summary, /^The TXT record _relay-desk\.wrong\.test holds "relay-desk-verification=not-the-token", not the expected relay-desk-verification=/);
  assert.deepEqual(wrongVerification.publish, [{ type: 'TXT', name: '_relay-desk.wrong.test', value: verification['_relay-desk.wrong.test']?.[0] }]);
  const wrongSpf = seen('dns:wrong.test:spf');
  assert.equal(wrongSpf.summary, "wrong.test's SPF record does not name the smarthost 127.0.0.1 (127.0.0.1): receivers may refuse or junk its mail.");
  assert.deepEqual(wrongSpf.publish, [{ type: 'TXT', name: 'wrong.test', value: 'v=spf1 ip4:192.0.2.10 ip4:127.0.0.1 -all' }]);
  const wrongDkim = seen('dns:wrong.test:dkim');
  assert.equal(wrongDkim.summary, `The DKIM record ${wrongKey.name} holds a different key than the relay signs with: receivers find the signature broken.`);
  assert.deepEqual(wrongDkim.publish, [{ type: 'TXT', name: wrongKey.name, value: wrongKey.value }]);
  assert.match(seen('dns:wrong.test:dmarc').summary, /has no valid policy/);

  assert.match(seen('dns:missing.test:verification').summary, /^No TXT record _relay-desk\.missing\.test was found\./);
  const missingSpf = seen('dns:missing.test:spf');
  assert.deepEqual(missingSpf.publish, [{ type: 'TXT', name: 'missing.test', value: 'v=spf1 ip4:127.0.0.1 ~all' }]);
  assert.equal(seen('dns:missing.test:dkim').summary, `No DKIM record ${dkim['missing.test']?.name ?? ''} is published: receivers cannot check the relay's signature on missing.test's mail.`);
  assert.deepEqual(seen('dns:missing.test:dmarc').publish, [{ type: 'TXT', name: '_dmarc.missing.test', value: 'v=DMARC1; p=none' }]);

  const line = await cli(['doctor', '--data-dir', relay.dataDir]);
  assert.equal(line.code, 1);
  assert.match(line.stdout, /^PROBLEM +wrong\.test DKIM: The DKIM record /m);
  assert.match(line.stdout, /^ +publish: TXT _dmarc\.missing\.test "v=DMARC1; p=none"$/m);
});

test('with direct delivery and no public address on this computer, whether SPF names it is unknown, and said so', async (t) => {
  const dns = await startDns(t);
  const relay = await startRelayDesk(t, { dns });
  await ok(relay, 'upstream.setDirect', {});
  const added = await ok(relay, 'senders.addDomain', { domain: 'office.test' });
  const record = added.records.find((r) => r.purpose === 'verification');
  assert.ok(record);
  await dns.setTxtRecords({ [record.name]: [record.value] });
  assert.equal((await ok(relay, 'senders.checkDomain', { domain: 'office.test' })).verified, true);
  await dns.setTxtRecords({ [record.name]: [record.value], 'office.test': ['v=spf1 mx -all'] });
  const { lanAddresses } = await ok(relay, 'server.get', {});
  const spf = (await ok(relay, 'doctor.run', {})).checks.find((c) => c.id === 'dns:office.test:spf');
  if (lanAddresses.every((a) => /^(10|127|192\.168|172\.(1[6-9]|2\d|3[01]))\.|^f[cd]/.test(a))) {
    assert.equal(spf?.status, 'warning');
    assert.equal(spf.summary, `office.test's SPF record is "v=spf1 mx -all"; whether it lets this computer's public address send is unknown: Relay Desk cannot see that address from here.`);
  } else {
    assert.notEqual(spf?.status, 'ok', 'office.test has no MX: "mx" names no address');
  }
});
