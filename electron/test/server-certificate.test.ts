/**
 * The relay's certificate: what is generated, what the Server page shows of
 * a certificate, and which pasted certificates and keys are refused, with
 * real certificates made by the same library and parsed by Node's crypto.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { generate } from 'selfsigned';
import { ApiError } from '../api/contract.js';
import {
  certificateBlocks,
  certificateView,
  checkImport,
  generateCertificate,
  generateEcdsaTwin,
  GENERATED_VALIDITY_DAYS,
  keyMatches,
  parseSubjectAltName,
  storedCertificateView,
} from '../host/services/server/certificate.js';

const DAY = 24 * 3600_000;

/** A certificate for `name`, valid over [from, to]; RSA key size as given. */
async function certificate(name: string, from: Date, to: Date, keySize = 2048) {
  const pems = await generate([{ name: 'commonName', value: name }], {
    algorithm: 'sha256',
    keySize,
    notBeforeDate: from,
    notAfterDate: to,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

function refusal(code: string, field: string, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.field, field);
    assert.match(err.message, message);
    return true;
  };
}

const now = new Date();
const valid = certificate('mail.example.com', new Date(now.getTime() - DAY), new Date(now.getTime() + 90 * DAY));
const other = certificate('other.example.com', new Date(now.getTime() - DAY), new Date(now.getTime() + 90 * DAY));

test('the generated certificate is RSA 2048 / SHA-256 for two years, for this machine\'s names and addresses', async () => {
  const { rsa: pair } = await generateCertificate('Office-PC', ['192.168.1.20', 'fd00::20'], now);
  const x509 = new X509Certificate(pair.cert);
  assert.equal(createPrivateKey(pair.key).asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(x509.checkPrivateKey(createPrivateKey(pair.key)));
  assert.match(pair.key, /^-----BEGIN PRIVATE KEY-----/);
  // Self-signed: it verifies with its own public key.
  assert.ok(x509.verify(x509.publicKey));
  assert.equal(x509.ca, false);
  const view = certificateView(pair.cert, 'generated');
  assert.ok(view);
  assert.deepEqual(view.names, ['office-pc', 'localhost', '192.168.1.20', 'fd00::20', '127.0.0.1']);
  const days = (Date.parse(view.notAfter) - now.getTime()) / DAY;
  assert.ok(days > GENERATED_VALIDITY_DAYS - 1 && days <= GENERATED_VALIDITY_DAYS, `valid for ${days} days`);
  assert.ok(Date.parse(view.notBefore) < now.getTime(), 'valid already (backdated for clock skew)');
  assert.match(x509.subject, /CN=office-pc/);
  // The signature algorithm is SHA-256 with RSA (OID 1.2.840.113549.1.1.11).
  assert.ok(x509.raw.includes(Buffer.from('06092a864886f70d01010b', 'hex')));
});

/** The key usage bits of a certificate, as OpenSSL prints them, e.g. "Digital Signature, Key Encipherment". */
function keyUsage(pem: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-ext', 'keyUsage'], { input: pem, encoding: 'utf8' }).split('\n')[1]?.trim() ?? '';
}

test('the generated certificate has an ECDSA P-256 / SHA-256 twin with the same subject, names, validity and uses', async () => {
  const { rsa, ecdsa } = await generateCertificate('Office-PC', ['192.168.1.20', 'fd00::20'], now);
  const a = new X509Certificate(rsa.cert);
  const b = new X509Certificate(ecdsa.cert);
  assert.equal(b.publicKey.asymmetricKeyType, 'ec');
  assert.equal(b.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(b.checkPrivateKey(createPrivateKey(ecdsa.key)));
  assert.match(ecdsa.key, /^-----BEGIN PRIVATE KEY-----/);
  assert.ok(b.verify(b.publicKey), 'self-signed');
  // ecdsa-with-SHA256 (OID 1.2.840.10045.4.3.2).
  assert.ok(b.raw.includes(Buffer.from('06082a8648ce3d040302', 'hex')));
  assert.equal(b.subject, a.subject);
  assert.equal(b.subjectAltName, a.subjectAltName);
  assert.equal(b.validFrom, a.validFrom);
  assert.equal(b.validTo, a.validTo);
  assert.equal(b.ca, false);
  assert.deepEqual(b.keyUsage, a.keyUsage, 'the same extended key usage (server authentication)');
  assert.equal(keyUsage(rsa.cert), 'Digital Signature, Key Encipherment');
  assert.equal(keyUsage(ecdsa.cert), 'Digital Signature');
  assert.notEqual(b.serialNumber, a.serialNumber);
});

test('the view of a generated certificate with its twin names both algorithms and both fingerprints', async () => {
  const { rsa, ecdsa } = await generateCertificate('office-pc', [], now);
  const view = certificateView(rsa.cert, 'generated', ecdsa.cert);
  assert.ok(view);
  assert.deepEqual(view.algorithms, ['RSA-2048', 'ECDSA P-256']);
  assert.equal(view.fingerprint, new X509Certificate(rsa.cert).fingerprint256);
  assert.equal(view.ecdsaFingerprint, new X509Certificate(ecdsa.cert).fingerprint256);
  assert.deepEqual(storedCertificateView({ source: 'generated', cert: rsa.cert, ecdsaCert: ecdsa.cert }), view);
  assert.equal(storedCertificateView(null), null);
  // An unreadable twin is left out rather than hiding the certificate.
  assert.deepEqual(certificateView(rsa.cert, 'generated', 'garbage')?.algorithms, ['RSA-2048']);
});

test('with a twin that ends first, the view\'s validity is where both are valid, so expiry warnings count the earlier end', async () => {
  const { rsa } = await generateCertificate('office-pc', [], now);
  const shortTwin = await generate([{ name: 'commonName', value: 'office-pc' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY),
    notAfterDate: new Date(now.getTime() + 10 * DAY),
  });
  const view = certificateView(rsa.cert, 'generated', shortTwin.cert);
  assert.ok(view);
  assert.equal(view.notAfter, new Date(new X509Certificate(shortTwin.cert).validTo).toISOString());
  assert.equal(view.notBefore, new Date(new X509Certificate(rsa.cert).validFrom).toISOString());
});

test('a twin made later for an older generated certificate has its names and validity', async () => {
  const { rsa } = await generateCertificate('Office-PC', ['192.168.1.20', 'fd00::20'], new Date(now.getTime() - 100 * DAY));
  const twin = await generateEcdsaTwin(rsa.cert);
  const a = new X509Certificate(rsa.cert);
  const b = new X509Certificate(twin.cert);
  assert.equal(b.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(b.subject, a.subject);
  assert.equal(b.subjectAltName, a.subjectAltName);
  assert.equal(b.validFrom, a.validFrom);
  assert.equal(b.validTo, a.validTo);
  assert.ok(keyMatches(twin.cert, twin.key));
});

test('a host name that cannot be a DNS name is left out; an IP host name is an IP entry', async () => {
  const odd = await generateCertificate('bad_name!', [], now);
  assert.deepEqual(certificateView(odd.rsa.cert, 'generated')?.names, ['localhost', '127.0.0.1']);
  const ip = await generateCertificate('10.0.0.5', ['10.0.0.5'], now);
  assert.deepEqual(certificateView(ip.rsa.cert, 'generated')?.names, ['localhost', '10.0.0.5', '127.0.0.1']);
});

test('the view shows the SHA-256 fingerprint, names and validity as ISO dates', async () => {
  const { cert } = await valid;
  const x509 = new X509Certificate(cert);
  const view = certificateView(cert, 'imported');
  assert.deepEqual(view, {
    source: 'imported',
    fingerprint: x509.fingerprint256,
    ecdsaFingerprint: null,
    algorithms: ['RSA-2048'],
    names: ['mail.example.com'],
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
  });
  assert.equal(certificateView('not a certificate', 'imported'), null);
});

test('subjectAltName as Node prints it: DNS and IP entries, quoted values, IPv6 compacted, others skipped', () => {
  assert.deepEqual(parseSubjectAltName('DNS:a.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:x@y.z, DNS:b.example'), [
    'a.example',
    '127.0.0.1',
    '::1',
    'b.example',
  ]);
  assert.deepEqual(parseSubjectAltName('DNS:"odd, name", URI:http://x/, DNS:plain'), ['odd, name', 'plain']);
  assert.deepEqual(parseSubjectAltName(undefined), []);
});

test('a valid certificate and its key are accepted and normalised: certificates only, key as PKCS#8', async () => {
  const { cert, key } = await valid;
  const rsaKey = createPrivateKey(key).export({ type: 'pkcs1', format: 'pem' }).toString();
  // Pasted with Windows line ends, the key after the certificate, text around them.
  const pasted = `Here is my cert:\r\n${cert.replace(/\n/g, '\r\n')}\r\n${key}`;
  const result = checkImport(pasted, rsaKey, now);
  assert.deepEqual(certificateBlocks(result.cert).length, 1);
  assert.doesNotMatch(result.cert, /PRIVATE KEY/);
  assert.equal(new X509Certificate(result.cert).fingerprint256, new X509Certificate(cert).fingerprint256);
  assert.match(result.key, /^-----BEGIN PRIVATE KEY-----/);
  assert.ok(keyMatches(result.cert, result.key));
});

test('a chain is kept in order; a key for a certificate further down says to put the server\'s first', async () => {
  const a = await valid;
  const b = await other;
  const chain = checkImport(`${a.cert}\n${b.cert}`, a.key, now);
  assert.equal(certificateBlocks(chain.cert).length, 2);
  assert.throws(() => checkImport(`${a.cert}\n${b.cert}`, b.key, now), refusal('key_mismatch', 'key', /certificate 2 of the 2.*first/));
});

test('garbage, keys in the wrong field, damaged PEM and encrypted keys are refused with the reason', async () => {
  const { cert, key } = await valid;
  assert.throws(() => checkImport('hello', key, now), refusal('invalid_certificate', 'cert', /BEGIN CERTIFICATE/));
  assert.throws(() => checkImport(key, key, now), refusal('invalid_certificate', 'cert', /private key; paste it in the key field/));
  assert.throws(
    () => checkImport('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', key, now),
    refusal('invalid_certificate', 'cert', /cannot be read \(.+\)/),
  );
  assert.throws(() => checkImport(cert, 'hello', now), refusal('invalid_key', 'key', /not a private key/));
  assert.throws(() => checkImport(cert, cert, now), refusal('invalid_key', 'key', /this is a certificate/));
  assert.throws(() => checkImport(cert, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', now), refusal('invalid_key', 'key', /cannot be read \(.+\)/));
  const encrypted = createPrivateKey(key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
  assert.throws(() => checkImport(cert, encrypted, now), refusal('invalid_key', 'key', /passphrase/));
});

test('a key that is not the certificate\'s, or too short, is refused', async () => {
  const { cert } = await valid;
  const { key: otherKey } = await other;
  assert.throws(() => checkImport(cert, otherKey, now), refusal('key_mismatch', 'key', /does not belong to this certificate/));
  const weak = await certificate('weak.example.com', new Date(now.getTime() - DAY), new Date(now.getTime() + DAY), 1024);
  assert.throws(() => checkImport(weak.cert, weak.key, now), refusal('invalid_key', 'key', /1024 bits/));
});

test('an expired certificate is refused with its date; one not valid yet is refused too', async () => {
  const expired = await certificate('old.example.com', new Date('2020-01-01T00:00:00Z'), new Date('2021-06-30T12:00:00Z'));
  assert.throws(() => checkImport(expired.cert, expired.key, now), refusal('certificate_expired', 'cert', /expired on 2021-06-30 12:00:00 UTC/));
  const future = await certificate('new.example.com', new Date(now.getTime() + 10 * DAY), new Date(now.getTime() + 100 * DAY));
  assert.throws(() => checkImport(future.cert, future.key, now), refusal('certificate_not_yet_valid', 'cert', /valid only from/));
});
