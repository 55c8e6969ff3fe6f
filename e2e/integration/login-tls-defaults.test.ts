/**
 * Passwords never cross the network readable unless the admin allows it for
 * a port: a fresh install requires TLS before login, a port opened to
 * clear-text logins is flagged in every view, and an installation that
 * allowed them before keeps its choice, flagged too.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ServerViewSchema } from '../../electron/api/schemas/server.js';
import { ok } from '../fixtures/api.js';
import { freePort } from '../fixtures/ports.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { swaks } from '../fixtures/smtp-clients.js';

const WARNING = /passwords cross the network readable/;

test('a fresh install offers no login before STARTTLS on its port, and takes it after', async (t) => {
  const relay = await startRelayDesk(t);
  const { user, password } = await ok(relay, 'users.create', {}).then((c) => ({ user: c.user.name, password: c.password }));
  const login = ['--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password];

  const plain = await swaks(relay.smtpPort, login);
  assert.match(plain.output, /Host did not advertise authentication/);
  assert.doesNotMatch(plain.output, / -> AUTH/, 'the password never left the client');
  assert.match((await swaks(relay.smtpPort, ['--tls', ...login])).output, /235 /);

  const server = ServerViewSchema.parse((await ok(relay, 'server.get', {})));
  assert.deepEqual(server.listeners, [{ port: relay.smtpPort, encryption: 'starttls', requireTlsForAuth: true, clearTextLogins: false }]);
  const state = await relay.waitForRelayState((s) => s.status === 'running');
  assert.equal(state.listeners.find((l) => l.port === relay.smtpPort)?.clearTextLogins, false);
  assert.doesNotMatch(relay.proc.lines.join('\n'), WARNING);
});

test('a port the admin opens to clear-text logins takes them and is flagged in the server view and the live state', async (t) => {
  const relay = await startRelayDesk(t);
  const port = await freePort();
  const view = await ok(relay, 'server.setListener', { port, encryption: 'starttls', requireTlsForAuth: false });
  assert.equal(view.listeners.find((l) => l.port === port)?.clearTextLogins, true);
  const state = await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === port && l.status === 'listening'));
  assert.equal(state.listeners.find((l) => l.port === port)?.clearTextLogins, true);
  const { user, password } = await ok(relay, 'users.create', {}).then((c) => ({ user: c.user.name, password: c.password }));
  const plain = await swaks(port, ['--quit-after', 'AUTH', '--auth', 'PLAIN', '--auth-user', user, '--auth-password', password]);
  assert.match(plain.output, /235 /, 'the device that cannot use TLS logs in');
  await relay.proc.waitForLine(new RegExp(`^SMTP relay listening on 0\\.0\\.0\\.0:${port} \\(warning: logins without TLS allowed, passwords cross the network readable\\)$`));
});

test('an installation that allowed clear-text logins keeps its choice, and the warning shows at start', async (t) => {
  const first = await startRelayDesk(t);
  await first.interrupt();
  // As Relay Desk wrote new ports before TLS became the default for logins.
  const file = join(first.dataDir, 'settings.json');
  const settings = JSON.parse(await readFile(file, 'utf8')) as { server: { listeners: { requireTlsForAuth: boolean }[] } };
  for (const listener of settings.server.listeners) listener.requireTlsForAuth = false;
  await writeFile(file, JSON.stringify(settings));

  const relay = await startRelayDesk(t, { dataDir: first.dataDir, smtpPort: first.smtpPort });
  const view = await ok(relay, 'server.get', {});
  assert.deepEqual(view.listeners, [{ port: relay.smtpPort, encryption: 'starttls', requireTlsForAuth: false, clearTextLogins: true }]);
  await relay.proc.waitForLine(new RegExp(`^SMTP relay listening on 0\\.0\\.0\\.0:${relay.smtpPort} \\(warning: .*passwords cross the network readable\\)$`));
});
