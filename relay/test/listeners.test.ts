/** The TLS options a listener gets: the certificate alone, or with its ECDSA twin (RSA first). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encryptionOptions, servedKeys } from '../listeners.js';
import { TlsConfigSchema, type ListenerConfig } from '../protocol.js';

const rsa = { key: 'RSA KEY', cert: 'RSA CERT' };
const ecdsa = { key: 'EC KEY', cert: 'EC CERT' };
const listener = (encryption: ListenerConfig['encryption']): ListenerConfig => ({ port: 2525, address: '127.0.0.1', encryption, requireTlsForAuth: true });

test('a certificate alone is served as it is; with its twin both are, the RSA one first', () => {
  assert.deepEqual(servedKeys(rsa), rsa);
  assert.deepEqual(servedKeys({ ...rsa, ecdsa }), { key: ['RSA KEY', 'EC KEY'], cert: ['RSA CERT', 'EC CERT'] });
});

test('STARTTLS and TLS ports get both keys; a port without encryption gets none', () => {
  for (const encryption of ['starttls', 'starttls-required', 'tls'] as const) {
    const options = encryptionOptions(listener(encryption), { ...rsa, ecdsa });
    assert.ok(typeof options === 'object');
    assert.deepEqual([options.key, options.cert], [['RSA KEY', 'EC KEY'], ['RSA CERT', 'EC CERT']], encryption);
  }
  const plain = encryptionOptions(listener('none'), { ...rsa, ecdsa });
  assert.ok(typeof plain === 'object');
  assert.equal(plain.key, undefined);
});

test('the twin is optional in the relay\'s configuration, and whole when given', () => {
  assert.equal(TlsConfigSchema.safeParse(rsa).success, true);
  assert.equal(TlsConfigSchema.safeParse({ ...rsa, ecdsa }).success, true);
  assert.equal(TlsConfigSchema.safeParse({ ...rsa, ecdsa: { key: 'EC KEY' } }).success, false);
  assert.equal(TlsConfigSchema.safeParse({ ...rsa, ecdsa: { key: '', cert: 'EC CERT' } }).success, false);
});
