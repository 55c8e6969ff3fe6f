/**
 * The records an admin publishes for a sender domain, and what a DNS check
 * says about what it found (lookups answered by a stand-in here; the real
 * DNS server is in e2e/integration/api-senders.test.ts).
 */
import assert from 'node:assert/strict';
import { createPublicKey, sign, verify } from 'node:crypto';
import { test } from 'node:test';
import { checkVerificationRecord, describeDkimRecord, describeDnsFailure, type TxtLookup } from '../host/services/senders/dns-check.js';
import {
  dkimPublicKeyOf,
  dkimRecord,
  generateDkimKey,
  newToken,
  verificationRecord,
  verificationValue,
} from '../host/services/senders/records.js';

function dnsError(code: string): Error {
  return Object.assign(new Error(`queryTxt ${code}`), { code });
}

function zone(records: Record<string, string[] | string>): TxtLookup {
  return (name) => {
    const found = records[name];
    if (found === undefined) return Promise.reject(dnsError('ENOTFOUND'));
    if (typeof found === 'string') return Promise.reject(dnsError(found));
    return Promise.resolve(found);
  };
}

test('tokens are 32 random URL-safe characters', () => {
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(a, newToken());
});

test('the verification record lives at _relay-desk.<domain>', () => {
  assert.deepEqual(verificationRecord('company.com', 'tok'), { type: 'TXT', name: '_relay-desk.company.com', value: 'relay-desk-verification=tok' });
  assert.deepEqual(dkimRecord('company.com', 'relaydesk', 'MIIB'), { type: 'TXT', name: 'relaydesk._domainkey.company.com', value: 'v=DKIM1; k=rsa; p=MIIB' });
});

test('a DKIM key signs, and its record holds the public half', async () => {
  const key = await generateDkimKey();
  assert.match(key.privateKey, /^-----BEGIN PRIVATE KEY-----/);
  const record = dkimRecord('company.com', 'relaydesk', key.publicKey).value;
  assert.equal(dkimPublicKeyOf(record), key.publicKey);
  const publicKey = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' });
  assert.equal(publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  const signature = sign('sha256', Buffer.from('message'), key.privateKey);
  assert.equal(verify('sha256', Buffer.from('message'), publicKey, signature), true);
  assert.equal(dkimPublicKeyOf('v=DKIM1; k=rsa; p=MII B\t Ab'), 'MIIBAb', 'folding whitespace inside p= is ignored');
  assert.equal(dkimPublicKeyOf('v=DKIM1; k=rsa'), null);
});

const expected = verificationValue('tok');

test('the check finds the expected value among several records, joining split strings', async () => {
  const lookup = zone({ '_relay-desk.company.com': ['google-site-verification=x', expected] });
  assert.deepEqual(await checkVerificationRecord(lookup, 'company.com', expected, []), {
    ok: true,
    reason: 'The TXT record _relay-desk.company.com holds the expected value.',
  });
});

test('a missing record is reported by name, and a record published at the domain itself is pointed out', async () => {
  for (const missing of ['ENOTFOUND', 'ENODATA']) {
    const r = await checkVerificationRecord(zone({ '_relay-desk.company.com': missing }), 'company.com', expected, []);
    assert.equal(r.ok, false);
    assert.match(r.reason, /^No TXT record _relay-desk\.company\.com was found\. Publish it at your DNS provider/);
  }
  const atApex = await checkVerificationRecord(zone({ 'company.com': ['v=spf1 -all', expected] }), 'company.com', expected, []);
  assert.equal(
    atApex.reason,
    'No TXT record _relay-desk.company.com was found. The value is published at company.com itself; publish it under the name _relay-desk.company.com instead.',
  );
});

test('a wrong value is quoted beside the expected one', async () => {
  const one = await checkVerificationRecord(zone({ '_relay-desk.company.com': ['x'] }), 'company.com', expected, []);
  assert.deepEqual(one, { ok: false, reason: 'The TXT record _relay-desk.company.com holds "x", not the expected relay-desk-verification=tok.' });
  const two = await checkVerificationRecord(zone({ '_relay-desk.company.com': ['a', 'b'] }), 'company.com', expected, []);
  assert.match(two.reason, /holds "a" and "b", not the expected/);
});

test('a DNS server that does not answer is told apart from a missing record', async () => {
  for (const code of ['ETIMEOUT', 'ECONNREFUSED', 'ESERVFAIL']) {
    const r = await checkVerificationRecord(zone({ '_relay-desk.company.com': code }), 'company.com', expected, ['127.0.0.1:53']);
    assert.equal(r.reason, 'The DNS server did not answer; try again. (Asked 127.0.0.1:53 for _relay-desk.company.com.)');
  }
  assert.match(describeDnsFailure(dnsError('EREFUSED'), 'n.example', []), /refused to look up n\.example.*this computer's DNS servers/);
  assert.match(describeDnsFailure(dnsError('EBADRESP'), 'n.example', []), /The DNS lookup of n\.example failed \(EBADRESP\)/);
});

test('the DKIM record is reported published, missing or different', async () => {
  const name = 'relaydesk._domainkey.company.com';
  assert.equal(await describeDkimRecord(zone({ [name]: ['v=DKIM1; k=rsa; p=KEY'] }), 'company.com', 'relaydesk', 'KEY'), `The DKIM record ${name} is published.`);
  assert.match((await describeDkimRecord(zone({}), 'company.com', 'relaydesk', 'KEY')) ?? '', /is not published yet/);
  assert.match((await describeDkimRecord(zone({ [name]: ['v=DKIM1; p=OTHER'] }), 'company.com', 'relaydesk', 'KEY')) ?? '', /holds a different key/);
  assert.equal(await describeDkimRecord(zone({ [name]: 'ETIMEOUT' }), 'company.com', 'relaydesk', 'KEY'), null);
});
