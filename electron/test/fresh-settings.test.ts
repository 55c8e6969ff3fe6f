/** What a new installation listens on, and what `serve --smtp-port N` does to the saved ports. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ADMIN_PORT, parseServeOptions } from '../serve.js';
import { DEFAULT_SMTP_PORT, freshSettings, useSmtpPort } from '../host/fresh-settings.js';
import { StoreSchema } from '../host/store/schema.js';

test('a fresh install listens on 2525 of every interface with STARTTLS and logins only after it; the admin page on 7025', () => {
  assert.equal(DEFAULT_SMTP_PORT, 2525);
  assert.equal(DEFAULT_ADMIN_PORT, 7025);
  const settings = StoreSchema.parse(freshSettings());
  assert.equal(settings.server.listenAddress, '0.0.0.0');
  assert.deepEqual(settings.server.listeners, [{ port: 2525, encryption: 'starttls', requireTlsForAuth: true }]);
  assert.deepEqual(freshSettings(2600).server.listeners, [{ port: 2600, encryption: 'starttls', requireTlsForAuth: true }]);
  const options = parseServeOptions({});
  assert.equal(options.adminPort, 7025);
  assert.equal(options.smtpPort, undefined, 'no flag: the saved ports (a fresh install: 2525)');
});

test('--smtp-port replaces the default port when it is the only one, keeping its encryption', () => {
  const listeners = [{ port: 2525, encryption: 'starttls' as const, requireTlsForAuth: false }];
  useSmtpPort(listeners, 2600);
  assert.deepEqual(listeners, [{ port: 2600, encryption: 'starttls', requireTlsForAuth: false }]);
});

test('--smtp-port is added beside ports the admin set up, and changes nothing when already there', () => {
  const configured = [
    { port: 2525, encryption: 'starttls' as const, requireTlsForAuth: true },
    { port: 587, encryption: 'starttls-required' as const, requireTlsForAuth: false },
  ];
  useSmtpPort(configured, 2600);
  assert.deepEqual(configured.map((l) => l.port), [2525, 587, 2600]);
  assert.deepEqual(configured[2], { port: 2600, encryption: 'starttls', requireTlsForAuth: true });
  const custom = [{ port: 3025, encryption: 'none' as const, requireTlsForAuth: false }];
  useSmtpPort(custom, 2600);
  assert.deepEqual(custom.map((l) => l.port), [3025, 2600], 'one port that is not the default stays');
  useSmtpPort(custom, 3025);
  assert.deepEqual(custom.map((l) => l.port), [3025, 2600]);
});
