/**
 * users.* and lists.* through the real HTTP transport, with the real
 * keychain: what an admin gets back, every bad input refused with a code and
 * words that say what to do, and the credentials working at the relay.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MethodInput } from '../../electron/api/contract.js';
import { apiError as error, ok } from '../fixtures/api.js';
import { startRelayDesk, type RelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';

function createUser(relay: RelayDesk, input: MethodInput<'users.create'> = {}) {
  return ok(relay, 'users.create', input);
}

test('a fresh install has the list "SMTP+"; lists can be added, not twice', async (t) => {
  const relay = await startRelayDesk(t);
  assert.deepEqual((await ok(relay, 'lists.list', {})).lists.map((l) => l.name), ['SMTP+']);
  const created = await ok(relay, 'lists.create', { name: 'Scanners' });
  assert.equal(created.name, 'Scanners');
  assert.equal(error(await relay.call('lists.create', { name: 'Scanners' })).code, 'already_exists');
  assert.equal(error(await relay.call('lists.create', { name: '   ' })).code, 'invalid_input');
  assert.equal(error(await relay.call('lists.create', {})).code, 'invalid_input');
});

test('users.create: generated name and password, shown once; the password works at the relay', async (t) => {
  const relay = await startRelayDesk(t);
  const { user, password } = await createUser(relay, { note: 'Front desk scanner', priority: 2, trustedClients: '192.168.1.0/24; 10.0.0.7' });
  assert.match(user.name, /^s\d{6}_0$/);
  assert.match(password, /^[A-Za-z][A-Za-z0-9.\-_!#%+=]{11}$/, 'starts with a letter, so no tool reads it as an option');
  assert.match(password, /[0-9]/);
  assert.match(password, /[.\-_!#%+=]/);
  assert.equal(user.type, 'Smtp+');
  assert.equal(user.list, 'SMTP+');
  assert.equal(user.active, true);
  assert.deepEqual(user.trustedClients, ['192.168.1.0/24', '10.0.0.7']);
  const second = await createUser(relay);
  assert.equal(second.user.name, user.name.replace(/_0$/, '_1'));
  assert.notEqual(second.password, password);

  // The password is nowhere to be read again.
  const listed = JSON.stringify(await relay.call('users.list'));
  assert.doesNotMatch(listed, new RegExp(password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(JSON.stringify(await relay.call('users.get', { name: user.name })).includes(password), false);
  const settings = await readFile(join(relay.dataDir, 'settings.json'), 'utf8');
  assert.equal(settings.includes(password), false);
  assert.doesNotMatch(settings, /scrypt\$/, 'no verifier in the settings file');

  // AUTH works with it (the sender is not authorized yet, so MAIL is refused, after a successful login).
  const sent = await swaks(relay.smtpPort, ['--from', 'a@office.example', '--to', 'b@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', password]);
  assert.match(sent.output, /235 .*Authentication successful/i);
  assert.match(sent.output, /553 5\.7\.1 Sender <a@office\.example> is not authorized for SMTP user s\d+_0/);
});

test('user names are never reused, even after a delete', async (t) => {
  const relay = await startRelayDesk(t);
  const first = await createUser(relay);
  assert.equal((await ok(relay, 'users.delete', { name: first.user.name })).deleted, first.user.name);
  const next = await createUser(relay);
  assert.match(next.user.name, /_1$/);
  assert.equal(error(await relay.call('users.get', { name: first.user.name })).code, 'not_found');
});

test('a comma where ";" is expected is refused with a message saying to use ";"', async (t) => {
  const relay = await startRelayDesk(t);
  for (const field of ['domains', 'addresses', 'trustedClients']) {
    const refused = error(await relay.call('users.create', { [field]: 'a.example, b.example' }));
    assert.equal(refused.code, 'use_semicolon');
    assert.equal(refused.field, field);
    assert.equal(refused.message, 'Separate the entries with ";" (semicolon), not "," (comma).');
  }
  assert.equal((await ok(relay, 'users.list', {})).users.length, 0, 'nothing was created');
});

test('invalid entries are refused naming the entry; unverified domains cannot be authorized', async (t) => {
  const relay = await startRelayDesk(t);
  const badAddress = error(await relay.call('users.create', { addresses: 'info@company.com; not an address' }));
  assert.equal(badAddress.code, 'invalid_entry');
  assert.equal(badAddress.message, '"not an address" is not a valid email address: it contains a space.');
  assert.equal(badAddress.field, 'addresses');
  const badClient = error(await relay.call('users.create', { trustedClients: '192.168.1.0/24;scanner.local' }));
  assert.equal(badClient.message, '"scanner.local" is not an IP address or a network like 192.168.1.0/24.');
  const badDomain = error(await relay.call('users.create', { domains: ['company..com'] }));
  assert.equal(badDomain.message, '"company..com" is not a valid domain name.');
  const unverified = error(await relay.call('users.create', { domains: 'company.com' }));
  assert.equal(unverified.code, 'domain_not_verified');
  assert.match(unverified.message, /The domain company\.com is not verified yet: add it under Senders/);
  for (const bad of [{ priority: 0 }, { priority: 6 }, { note: 'x'.repeat(1001) }, { rateLimitPerHour: -1 }, { active: 'yes' }, { name: 's1_0' }]) {
    assert.equal(error(await relay.call('users.create', bad)).code, 'invalid_input', JSON.stringify(bad));
  }
});

test('users.update changes what was given, keeps the rest; deactivating locks the user out', async (t) => {
  const relay = await startRelayDesk(t);
  const { user, password } = await createUser(relay, { note: 'ERP', priority: 4 });
  const updated = await ok(relay, 'users.update', { name: user.name, active: false, list: 'Billing', rateLimitPerHour: 500 });
  assert.equal(updated.active, false);
  assert.equal(updated.list, 'Billing');
  assert.equal(updated.note, 'ERP');
  assert.equal(updated.priority, 4);
  assert.equal(updated.rateLimitPerHour, 500);
  assert.ok(updated.updatedAt >= user.updatedAt);
  assert.ok((await ok(relay, 'lists.list', {})).lists.some((l) => l.name === 'Billing' && l.users === 1));
  await relay.waitForRelayState((s) => s.status === 'running');
  const refused = await swaks(relay.smtpPort, ['--from', 'a@office.example', '--to', 'b@example.org', '--tls', '--auth', 'PLAIN', '--auth-user', user.name, '--auth-password', password]);
  assert.match(refused.output, /535 5\.7\.8 SMTP user s\d+_0 is not active/);
  assert.equal(error(await relay.call('users.update', { name: 'nobody_9', active: true })).code, 'not_found');
  assert.equal(error(await relay.call('users.update', { name: user.name, priority: 9 })).code, 'invalid_input');
});

test('reset-password: a new password, once; the old one stops working', async (t) => {
  const relay = await startRelayDesk(t);
  const { user, password } = await createUser(relay);
  const reset = await ok(relay, 'users.resetPassword', { name: user.name });
  assert.notEqual(reset.password, password);
  const login = (pass: string) => swaks(relay.smtpPort, ['--quit-after', 'AUTH', '--tls', '--auth', 'LOGIN', '--auth-user', user.name, '--auth-password', pass]);
  assert.match((await login(password)).output, /535 5\.7\.8 Authentication failed/);
  assert.match((await login(reset.password)).output, /235 /);
  assert.equal(error(await relay.call('users.resetPassword', { name: 'nobody_9' })).code, 'not_found');
  assert.equal(error(await relay.call('users.delete', { name: 'nobody_9' })).code, 'not_found');
});

test('users.list pages and searches, with the total that match', async (t) => {
  const relay = await startRelayDesk(t);
  for (const note of ['Front desk scanner', 'ERP invoices', 'Back office scanner']) await createUser(relay, { note });
  const all = await ok(relay, 'users.list', {});
  assert.equal(all.total, 3);
  const page = await ok(relay, 'users.list', { offset: 1, limit: 1 });
  assert.deepEqual(page.users.map((u) => u.note), ['ERP invoices']);
  assert.equal(page.total, 3);
  const scanners = await ok(relay, 'users.list', { search: 'SCANNER' });
  assert.deepEqual(scanners.users.map((u) => u.note), ['Front desk scanner', 'Back office scanner']);
  assert.equal(scanners.total, 2);
  assert.equal(error(await relay.call('users.list', { limit: 0 })).field, 'limit');
  assert.equal(error(await relay.call('users.list', { offset: -1 })).field, 'offset');
});
