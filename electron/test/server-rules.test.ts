/**
 * What the Server page accepts: ports and their encryption, smarthost host
 * names, and which addresses are shown as this machine's LAN addresses.
 */
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { ApiError } from '../api/contract.js';
import { lanAddresses } from '../host/services/server/lan-addresses.js';
import { checkListener, normalizeHost } from '../host/services/server/rules.js';

function refusal(code: string, field: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.field, field);
    if (message) assert.match(err.message, message);
    return true;
  };
}

test('only the allowed ports, and the refusal names the allowed set', () => {
  for (const port of [25, 80, 587, 1025, 2525, 5000]) assert.equal(checkListener({ port, encryption: 'starttls' }).port, port);
  for (const port of [1, 24, 110, 443, 1024, 5001, 8080, 65535]) {
    assert.throws(() => checkListener({ port, encryption: 'none' }), refusal('port_not_allowed', 'port', /25, 80, 465, 587, or any port from 1025 to 5000/));
  }
});

test('465 is implicit TLS only; 25 and 587 never implicit TLS; other ports any encryption', () => {
  assert.equal(checkListener({ port: 465, encryption: 'tls' }).encryption, 'tls');
  for (const encryption of ['none', 'starttls', 'starttls-required'] as const) {
    assert.throws(() => checkListener({ port: 465, encryption }), refusal('encryption_not_allowed', 'encryption', /implicit TLS/));
  }
  for (const port of [25, 587]) assert.throws(() => checkListener({ port, encryption: 'tls' }), refusal('encryption_not_allowed', 'encryption', /STARTTLS/));
  for (const encryption of ['none', 'starttls', 'starttls-required', 'tls'] as const) {
    assert.equal(checkListener({ port: 2465, encryption }).encryption, encryption);
    assert.equal(checkListener({ port: 80, encryption }).encryption, encryption);
  }
});

test('"require TLS before login" only with optional STARTTLS; kept on update when not given', () => {
  assert.equal(checkListener({ port: 2525, encryption: 'starttls', requireTlsForAuth: true }).requireTlsForAuth, true);
  for (const encryption of ['none', 'starttls-required', 'tls'] as const) {
    assert.throws(() => checkListener({ port: 2525, encryption, requireTlsForAuth: true }), refusal('invalid_option', 'requireTlsForAuth', /optional STARTTLS/));
    assert.equal(checkListener({ port: 2525, encryption, requireTlsForAuth: false }).requireTlsForAuth, false);
  }
  const current = { port: 2525, encryption: 'starttls' as const, requireTlsForAuth: true };
  assert.equal(checkListener({ port: 2525, encryption: 'starttls' }, current).requireTlsForAuth, true);
  assert.equal(checkListener({ port: 2525, encryption: 'starttls', requireTlsForAuth: false }, current).requireTlsForAuth, false);
  assert.equal(checkListener({ port: 2525, encryption: 'none' }, current).requireTlsForAuth, false);
  // A new port, or one coming to optional STARTTLS, requires TLS before login unless the admin says otherwise.
  assert.equal(checkListener({ port: 2525, encryption: 'starttls' }).requireTlsForAuth, true);
  assert.equal(checkListener({ port: 2525, encryption: 'starttls' }, { port: 2525, encryption: 'none', requireTlsForAuth: false }).requireTlsForAuth, true);
  assert.equal(checkListener({ port: 2525, encryption: 'starttls', requireTlsForAuth: false }).requireTlsForAuth, false);
  const allowed = { port: 2525, encryption: 'starttls' as const, requireTlsForAuth: false };
  assert.equal(checkListener({ port: 2525, encryption: 'starttls' }, allowed).requireTlsForAuth, false, 'an existing choice is kept');
});

test('a smarthost host is a host name or an IP address, normalised', () => {
  assert.equal(normalizeHost('  SMTP.Example.com '), 'smtp.example.com');
  assert.equal(normalizeHost('smtp.example.com.'), 'smtp.example.com');
  assert.equal(normalizeHost('mailserver'), 'mailserver');
  assert.equal(normalizeHost('192.168.1.10'), '192.168.1.10');
  assert.equal(normalizeHost('[2001:DB8::1]'), '2001:db8::1');
  assert.equal(normalizeHost('2001:db8::1'), '2001:db8::1');
  assert.throws(() => normalizeHost('smtp.example.com:587'), refusal('invalid_host', 'host', /without the port.*587 in the port field/));
  assert.throws(() => normalizeHost('smtp://smtp.example.com'), refusal('invalid_host', 'host', /smtp:\/\//));
  for (const bad of ['smtp example.com', 'smtp_.example.com', '-smtp.example.com', 'a..b', `${'a'.repeat(64)}.com`, 'mail@example.com']) {
    assert.throws(() => normalizeHost(bad), refusal('invalid_host', 'host', /not a host name or IP address/), bad);
  }
});

function iface(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  const base = { address, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...base, family } : { ...base, family, scopeid: 0 };
}

test('LAN addresses: IPv4 first, no loopback, no IPv6 link-local, no duplicates', () => {
  const addresses = lanAddresses({
    lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
    eth0: [iface('fe80::1', 'IPv6'), iface('2001:DB8::5', 'IPv6'), iface('192.168.1.20', 'IPv4')],
    wlan0: [iface('10.0.0.7', 'IPv4'), iface('192.168.1.20', 'IPv4'), iface('fd00::7', 'IPv6')],
  });
  assert.deepEqual(addresses, ['192.168.1.20', '10.0.0.7', '2001:db8::5', 'fd00::7']);
});
