/**
 * Relayed mail is DKIM-signed for the From domain when the admin has a key
 * for it, and a verifier no one here wrote (dkimpy) accepts the signature
 * with the public key it fetches from DNS.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDeliverer } from '../../relay/delivery/index.js';
import { dkimKey, ed25519DkimKey, verifyDkim } from '../fixtures/dkim.js';
import { deliveryJob, sampleMessage } from '../fixtures/delivery-job.js';
import { startDns } from '../fixtures/dns.js';
import { smarthostTo, startUpstream } from '../fixtures/upstream.js';

test('a message from a domain with a key is signed, verifies with dkimpy, and fails once tampered with', async (t) => {
  const office = dkimKey('office.example', 'relay2026');
  const dns = await startDns(t, { [office.record.name]: [office.record.value] });
  const upstream = await startUpstream(t);
  const deliverer = createDeliverer(
    smarthostTo(upstream),
    { hostname: 'relay.office.example', dkim: [dkimKey('other.example', 'x').key, office.key] },
  );
  t.after(() => deliverer.close());

  // The From domain is matched without regard to case.
  const [result] = await deliverer.deliver(deliveryJob(['boss@example.org'], { fromDomain: 'Office.Example' }));
  assert.ok(result);
  assert.equal(result.status, 'delivered', result.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);

  assert.match(received.raw.toString('latin1'), /^DKIM-Signature: [^]*?\bd=office\.example;[^]*?\bs=relay2026;/);
  const after = received.raw.indexOf(sampleMessage().subarray(0, 30));
  assert.ok(received.raw.subarray(after).equals(sampleMessage()), 'the signature is added on top; the message itself is unchanged');

  const verified = await verifyDkim(received.raw, dns);
  assert.equal(verified.ok, true, verified.output);

  const tampered = Buffer.from(received.raw.toString('latin1').replace('Last line.', 'Last line!'), 'latin1');
  const rejected = await verifyDkim(tampered, dns);
  assert.equal(rejected.ok, false, rejected.output);
});

test('a domain with an Ed25519 key beside its RSA key gets both signatures (RFC 8463), and dkimpy verifies each from DNS', async (t) => {
  const rsa = dkimKey('office.example', 'relaydesk');
  const ed = ed25519DkimKey('office.example', 'relaydesk-ed25519');
  const dns = await startDns(t, { [rsa.record.name]: [rsa.record.value], [ed.record.name]: [ed.record.value] });
  const upstream = await startUpstream(t);
  const deliverer = createDeliverer(smarthostTo(upstream), { hostname: 'relay.office.example', dkim: [rsa.key, ed.key] });
  t.after(() => deliverer.close());

  const [result] = await deliverer.deliver(deliveryJob(['boss@example.org'], { fromDomain: 'office.example' }));
  assert.equal(result?.status, 'delivered', result?.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  const text = received.raw.toString('latin1');
  assert.match(text, /^DKIM-Signature: v=1; a=rsa-sha256;[^]*?\r\nDKIM-Signature: v=1; a=ed25519-sha256; c=relaxed\/relaxed; d=office\.example;[^]*?\bs=relaydesk-ed25519;/);
  const bodyHashes = [...text.matchAll(/\bbh=([^;]+);/g)].map((m) => m[1]);
  assert.equal(bodyHashes.length, 2);
  assert.equal(bodyHashes[0], bodyHashes[1], 'both signatures carry the one body hash');

  const verified = await verifyDkim(received.raw, dns);
  assert.deepEqual(verified.signatures, [{ algorithm: 'rsa-sha256', ok: true }, { algorithm: 'ed25519-sha256', ok: true }], verified.output);

  const tampered = Buffer.from(text.replace('Last line.', 'Last line!'), 'latin1');
  const rejected = await verifyDkim(tampered, dns);
  assert.deepEqual(rejected.signatures, [{ algorithm: 'rsa-sha256', ok: false }, { algorithm: 'ed25519-sha256', ok: false }], rejected.output);

  // A receiver whose DNS holds no Ed25519 record still passes the message on its RSA signature.
  const rsaOnly = await startDns(t, { [rsa.record.name]: [rsa.record.value] });
  const partly = await verifyDkim(received.raw, rsaOnly);
  assert.deepEqual(partly.signatures, [{ algorithm: 'rsa-sha256', ok: true }, { algorithm: 'ed25519-sha256', ok: false }], partly.output);
});

test('a message from a domain without a key goes unsigned', async (t) => {
  const upstream = await startUpstream(t);
  const deliverer = createDeliverer(
    smarthostTo(upstream),
    { hostname: 'relay.office.example', dkim: [dkimKey('office.example', 'relay2026').key] },
  );
  t.after(() => deliverer.close());
  const body = sampleMessage('Unsigned', 'someone@elsewhere.example');
  const [result] = await deliverer.deliver(deliveryJob(['boss@example.org'], { body, fromDomain: 'elsewhere.example' }));
  assert.ok(result);
  assert.equal(result.status, 'delivered', result.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received);
  assert.ok(received.raw.equals(body), 'no signature header was added');
});
