/**
 * server.* and upstream.* through the real HTTP transport, with the real
 * keychain, a real relay and real upstream SMTP servers (aiosmtpd): what the
 * admin gets back, every bad input refused with a code and words that say
 * what to do, the relay presenting the certificate the API shows, and the
 * smarthost password kept out of every answer and every settings file.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate } from 'selfsigned';
import type { z } from 'zod';
import { serverMethods, ServerViewSchema, UpstreamViewSchema } from '../../electron/api/schemas/server.js';
import { apiError as error } from '../fixtures/api.js';
import { fingerprintOverStarttls, fingerprintOverTls, RSA_ONLY_SIGALGS } from '../fixtures/peer-certificate.js';
import { freePort } from '../fixtures/ports.js';
import { rawSmtp } from '../fixtures/raw-smtp.js';
import { startRelayDesk, type ApiResponse, type RelayDesk } from '../fixtures/relay-desk.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const TestResultSchema = serverMethods['upstream.test'].output;

/** The value of a successful call, checked against the contract's schema. */
function value<S extends z.ZodType>(response: ApiResponse, schema: S): z.infer<S> {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return schema.parse((response.body as { value: unknown }).value);
}

function succeeds(response: ApiResponse): void {
  assert.equal(response.status, 200, JSON.stringify(response.body));
}


const getServer = async (relay: RelayDesk) => value(await relay.call('server.get'), ServerViewSchema);
const getUpstream = async (relay: RelayDesk) => value(await relay.call('upstream.get'), UpstreamViewSchema);

function listening(relay: RelayDesk, port: number) {
  return relay.waitForRelayState((s) => s.listeners.some((l) => l.port === port && l.status === 'listening'));
}

test('a fresh serve has a self-signed certificate for this machine, and the relay presents it', async (t) => {
  const relay = await startRelayDesk(t);
  const server = await getServer(relay);
  assert.equal(server.hostname, hostname());
  assert.ok(server.lanAddresses.every((a) => a !== '127.0.0.1' && a !== '::1'));
  const v4 = server.lanAddresses.findIndex((a) => a.includes(':'));
  assert.ok(v4 === -1 || server.lanAddresses.slice(v4).every((a) => a.includes(':')), 'IPv4 addresses come first');
  assert.deepEqual(
    server.listeners.find((l) => l.port === relay.smtpPort),
    { port: relay.smtpPort, encryption: 'starttls', requireTlsForAuth: true, clearTextLogins: false },
  );
  assert.ok(server.tls);
  assert.equal(server.tls.source, 'generated');
  const names = server.tls.names.map((n) => n.toLowerCase());
  for (const name of [hostname().toLowerCase(), 'localhost', '127.0.0.1', ...server.lanAddresses]) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  const days = (Date.parse(server.tls.notAfter) - Date.now()) / 86_400_000;
  assert.ok(days > 700 && days < 740, `valid for about two years, not ${days} days`);
  assert.match(server.tls.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.deepEqual(server.tls.algorithms, ['RSA-2048', 'ECDSA P-256']);
  assert.match(server.tls.ecdsaFingerprint ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.notEqual(server.tls.ecdsaFingerprint, server.tls.fingerprint);

  // A client that supports ECDSA gets the twin; one that knows only RSA gets the RSA certificate.
  assert.equal(await fingerprintOverStarttls(relay.smtpPort), server.tls.ecdsaFingerprint);
  assert.equal(await fingerprintOverStarttls(relay.smtpPort, { sigalgs: RSA_ONLY_SIGALGS }), server.tls.fingerprint);
  // Both certificates are in the settings file, their keys in the vault only.
  const settings = await readFile(join(relay.dataDir, 'settings.json'), 'utf8');
  assert.doesNotMatch(settings, /PRIVATE KEY/);
  const stored = (JSON.parse(settings) as { server: { tls: { cert: string; ecdsaCert: string } } }).server.tls;
  assert.equal(new X509Certificate(stored.cert).fingerprint256, server.tls.fingerprint);
  assert.equal(new X509Certificate(stored.ecdsaCert).fingerprint256, server.tls.ecdsaFingerprint);

  // A restart keeps both certificates rather than making new ones.
  await relay.interrupt();
  const again = await startRelayDesk(t, { dataDir: relay.dataDir, smtpPort: relay.smtpPort });
  assert.deepEqual((await getServer(again)).tls, server.tls);
});

test('an installation whose generated certificate has no ECDSA twin gets one at start, ending with it; the RSA one is kept', async (t) => {
  const first = await startRelayDesk(t);
  const before = (await getServer(first)).tls;
  assert.ok(before);
  await first.interrupt();
  // As Relay Desk wrote the certificate before twins.
  const file = join(first.dataDir, 'settings.json');
  const settings = JSON.parse(await readFile(file, 'utf8')) as { server: { tls: { ecdsaCert?: string } } };
  delete settings.server.tls.ecdsaCert;
  await writeFile(file, JSON.stringify(settings));

  const relay = await startRelayDesk(t, { dataDir: first.dataDir, smtpPort: first.smtpPort });
  const after = (await getServer(relay)).tls;
  assert.ok(after?.ecdsaFingerprint);
  assert.equal(after.fingerprint, before.fingerprint, 'devices that trusted the RSA certificate still see it');
  assert.notEqual(after.ecdsaFingerprint, before.ecdsaFingerprint);
  assert.deepEqual(after.algorithms, ['RSA-2048', 'ECDSA P-256']);
  assert.deepEqual([after.names, after.notBefore, after.notAfter], [before.names, before.notBefore, before.notAfter]);
  assert.equal(await fingerprintOverStarttls(relay.smtpPort), after.ecdsaFingerprint);
  assert.equal(await fingerprintOverStarttls(relay.smtpPort, { sigalgs: RSA_ONLY_SIGALGS }), before.fingerprint);
});

test('server.setListener: allowed ports only, encryption rules, the same port updated; the relay opens it', async (t) => {
  const relay = await startRelayDesk(t);

  const notAllowed = error(await relay.call('server.setListener', { port: 8080, encryption: 'starttls' }));
  assert.equal(notAllowed.code, 'port_not_allowed');
  assert.equal(notAllowed.field, 'port');
  assert.match(notAllowed.message, /8080.*25, 80, 465, 587, or any port from 1025 to 5000/);
  assert.equal((await relay.call('server.setListener', { port: 70000, encryption: 'none' })).status, 400);
  assert.equal(error(await relay.call('server.setListener', { port: 2525, encryption: 'ssl' })).code, 'invalid_input');

  const on465 = error(await relay.call('server.setListener', { port: 465, encryption: 'starttls' }));
  assert.equal(on465.code, 'encryption_not_allowed');
  assert.match(on465.message, /465 is for implicit TLS/);
  assert.equal(error(await relay.call('server.setListener', { port: 587, encryption: 'tls' })).code, 'encryption_not_allowed');
  for (const encryption of ['none', 'starttls-required', 'tls']) {
    const refused = error(await relay.call('server.setListener', { port: 2600, encryption, requireTlsForAuth: true }));
    assert.equal(refused.code, 'invalid_option', encryption);
    assert.equal(refused.field, 'requireTlsForAuth');
    assert.match(refused.message, /only to ports offering optional STARTTLS/);
  }
  assert.equal((await getServer(relay)).listeners.length, 1, 'nothing refused was stored');

  // Implicit TLS on a port of the open range (465 needs administrator rights on most systems).
  const tlsPort = await freePort();
  const added = value(await relay.call('server.setListener', { port: tlsPort, encryption: 'tls' }), ServerViewSchema);
  assert.deepEqual(added.listeners.find((l) => l.port === tlsPort), { port: tlsPort, encryption: 'tls', requireTlsForAuth: false, clearTextLogins: false });
  await listening(relay, tlsPort);
  assert.equal(await fingerprintOverTls(tlsPort), added.tls?.ecdsaFingerprint);
  assert.equal(await fingerprintOverTls(tlsPort, { sigalgs: RSA_ONLY_SIGALGS }), added.tls?.fingerprint);

  // Asked to add a port that exists (the Server screen's "Add a port"): refused, nothing changed.
  const exists = error(await relay.call('server.setListener', { port: tlsPort, encryption: 'none', create: true }), 409);
  assert.equal(exists.code, 'listener_exists');
  assert.equal(exists.field, 'port');
  assert.equal(exists.message, `Port ${tlsPort} is already set up: change its encryption in its row above.`);
  assert.equal((await getServer(relay)).listeners.find((l) => l.port === tlsPort)?.encryption, 'tls');

  // The same port again is an update, not a second listener.
  const updated = value(await relay.call('server.setListener', { port: tlsPort, encryption: 'starttls', requireTlsForAuth: true }), ServerViewSchema);
  assert.deepEqual(
    updated.listeners.filter((l) => l.port === tlsPort),
    [{ port: tlsPort, encryption: 'starttls', requireTlsForAuth: true, clearTextLogins: false }],
  );
  await relay.waitForRelayState((s) => s.listeners.some((l) => l.port === tlsPort && l.encryption === 'starttls' && l.status === 'listening'));
  const smtp = await rawSmtp(tlsPort);
  assert.equal((await smtp.reply()).code, 220, 'a plain greeting now: STARTTLS, not implicit TLS');
  smtp.close();
  assert.deepEqual(
    updated.listeners.map((l) => l.port),
    [relay.smtpPort, tlsPort].sort((a, b) => a - b),
  );
});

test('server.removeListener: unknown port not found, the last port kept; the relay closes the port', async (t) => {
  const relay = await startRelayDesk(t);
  const missing = error(await relay.call('server.removeListener', { port: 4999 }));
  assert.equal(missing.code, 'not_found');
  assert.match(missing.message, new RegExp(`4999.*listens on ${relay.smtpPort}`));
  assert.equal(error(await relay.call('server.removeListener', { port: 'x' })).code, 'invalid_input');

  const last = error(await relay.call('server.removeListener', { port: relay.smtpPort }));
  assert.equal(last.code, 'last_listener');
  assert.match(last.message, /only port/);

  const extra = await freePort();
  succeeds(await relay.call('server.setListener', { port: extra, encryption: 'none' }));
  await listening(relay, extra);
  const after = value(await relay.call('server.removeListener', { port: relay.smtpPort }), ServerViewSchema);
  assert.deepEqual(after.listeners, [{ port: extra, encryption: 'none', requireTlsForAuth: false, clearTextLogins: true }]);
  await relay.waitForRelayState((s) => !s.listeners.some((l) => l.port === relay.smtpPort));
  const refused = await rawSmtp(relay.smtpPort).then(
    () => 'connected',
    (err: unknown) => (err as NodeJS.ErrnoException).code,
  );
  assert.equal(refused, 'ECONNREFUSED');
});

test('server.setLimits: a partial update, bounds checked; a port opened afterwards advertises the new size', async (t) => {
  const relay = await startRelayDesk(t);
  const before = (await getServer(relay)).limits;
  assert.deepEqual(
    [before.maxConnections, before.maxConnectionsPerClient, before.maxConnectionRatePerClient],
    [200, 50, 3000],
    'a fresh install limits connections per client address',
  );
  const changed = value(await relay.call('server.setLimits', { maxMessageBytes: 2_000_000, maxRecipients: 7 }), ServerViewSchema);
  assert.deepEqual(changed.limits, { ...before, maxMessageBytes: 2_000_000, maxRecipients: 7 });
  assert.deepEqual((await getServer(relay)).limits, changed.limits);
  const perClient = value(await relay.call('server.setLimits', { maxConnectionsPerClient: 12, maxConnectionRatePerClient: 240 }), ServerViewSchema);
  assert.deepEqual(perClient.limits, { ...changed.limits, maxConnectionsPerClient: 12, maxConnectionRatePerClient: 240 });

  for (const [input, field] of [
    [{ maxMessageBytes: 10 }, 'maxMessageBytes'],
    [{ maxRecipients: 0 }, 'maxRecipients'],
    [{ maxConnections: 1.5 }, 'maxConnections'],
    [{ maxRecipients: '5' }, 'maxRecipients'],
    [{ maxConnectionsPerClient: 0 }, 'maxConnectionsPerClient'],
    [{ maxConnectionsPerClient: 10_001 }, 'maxConnectionsPerClient'],
    [{ maxConnectionRatePerClient: -1 }, 'maxConnectionRatePerClient'],
    [{ maxConnectionRatePerClient: 2.5 }, 'maxConnectionRatePerClient'],
    [{ timeout: 3 }, null],
  ] as const) {
    const refused = error(await relay.call('server.setLimits', input));
    assert.equal(refused.code, 'invalid_input', JSON.stringify(input));
    if (field) assert.equal(refused.field, field, JSON.stringify(input));
  }
  assert.deepEqual((await getServer(relay)).limits, perClient.limits);

  const port = await freePort();
  succeeds(await relay.call('server.setListener', { port, encryption: 'none' }));
  await listening(relay, port);
  const smtp = await rawSmtp(port);
  await smtp.reply();
  assert.match((await smtp.command('EHLO client.test')).text, /SIZE 2000000/);
  smtp.close();
});

test('certificates: regenerate, and import refusing garbage, a foreign key and an expired one; the relay presents the import', async (t) => {
  const relay = await startRelayDesk(t);
  const tlsPort = await freePort();
  succeeds(await relay.call('server.setListener', { port: tlsPort, encryption: 'tls' }));
  await listening(relay, tlsPort);
  const pidBefore = await relay.relayPid();
  const first = (await getServer(relay)).tls;
  assert.ok(first);

  const regenerated = value(await relay.call('server.regenerateCertificate'), ServerViewSchema);
  assert.equal(regenerated.tls?.source, 'generated');
  assert.notEqual(regenerated.tls.fingerprint, first.fingerprint);
  assert.ok(regenerated.tls.ecdsaFingerprint);
  assert.notEqual(regenerated.tls.ecdsaFingerprint, first.ecdsaFingerprint, 'a new twin too');
  // Swapped into the running servers with its twin, on both kinds of port.
  assert.equal(await fingerprintOverStarttls(relay.smtpPort), regenerated.tls.ecdsaFingerprint);
  assert.equal(await fingerprintOverTls(tlsPort), regenerated.tls.ecdsaFingerprint);
  assert.equal(await fingerprintOverTls(tlsPort, { sigalgs: RSA_ONLY_SIGALGS }), regenerated.tls.fingerprint);
  assert.equal(error(await relay.call('server.regenerateCertificate', { force: true })).code, 'invalid_input');

  const mine = await testCertificate(['mail.office.test'], ['127.0.0.1']);
  const theirs = await testCertificate(['other.office.test'], []);
  const garbage = error(await relay.call('server.importCertificate', { cert: 'not a certificate', key: mine.key }));
  assert.equal(garbage.code, 'invalid_certificate');
  assert.equal(garbage.field, 'cert');
  const damaged = error(await relay.call('server.importCertificate', { cert: mine.cert.replace(/\n[A-Za-z0-9+/]{20}/, '\n'), key: mine.key }));
  assert.equal(damaged.code, 'invalid_certificate');
  assert.match(damaged.message, /cannot be read \(.+\)/);
  assert.equal(error(await relay.call('server.importCertificate', { cert: mine.cert, key: 'garbage' })).code, 'invalid_key');
  const foreign = error(await relay.call('server.importCertificate', { cert: mine.cert, key: theirs.key }));
  assert.equal(foreign.code, 'key_mismatch');
  assert.equal(foreign.field, 'key');
  const old = await generate([{ name: 'commonName', value: 'old.office.test' }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: new Date('2023-01-01T00:00:00Z'),
    notAfterDate: new Date('2024-02-29T12:00:00Z'),
  });
  const expired = error(await relay.call('server.importCertificate', { cert: old.cert, key: old.private }));
  assert.equal(expired.code, 'certificate_expired');
  assert.match(expired.message, /2024-02-29 12:00:00 UTC/);
  assert.equal(error(await relay.call('server.importCertificate', { cert: mine.cert })).code, 'invalid_input');
  assert.equal((await getServer(relay)).tls?.fingerprint, regenerated.tls.fingerprint, 'nothing refused replaced the certificate');

  const imported = value(await relay.call('server.importCertificate', { cert: mine.cert, key: mine.key }), ServerViewSchema);
  const x509 = new X509Certificate(mine.cert);
  assert.deepEqual(imported.tls, {
    source: 'imported',
    fingerprint: x509.fingerprint256,
    ecdsaFingerprint: null,
    algorithms: ['RSA-2048'],
    names: ['mail.office.test', '127.0.0.1'],
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
  });
  assert.deepEqual((await getServer(relay)).tls, imported.tls);
  // Swapped into the running relay: no restart, both kinds of port present it, and it alone: the twin is gone.
  assert.equal(await fingerprintOverTls(tlsPort), x509.fingerprint256);
  assert.equal(await fingerprintOverStarttls(relay.smtpPort), x509.fingerprint256);
  assert.equal(await relay.relayPid(), pidBefore);
  const settings = await readFile(join(relay.dataDir, 'settings.json'), 'utf8');
  assert.doesNotMatch(settings, /PRIVATE KEY/);
  assert.equal((JSON.parse(settings) as { server: { tls: { ecdsaCert: unknown } } }).server.tls.ecdsaCert, null);

  // Regenerating after an import makes both anew.
  const again = value(await relay.call('server.regenerateCertificate'), ServerViewSchema);
  assert.deepEqual(again.tls?.algorithms, ['RSA-2048', 'ECDSA P-256']);
  assert.equal(await fingerprintOverStarttls(relay.smtpPort), again.tls.ecdsaFingerprint);
});

test('upstream settings: smarthost with a password kept out of every answer and file; bad input refused; direct delivery', async (t) => {
  const relay = await startRelayDesk(t);
  const password = 'Upstream.Secret-4711';
  const answers: string[] = [];
  const call = async (method: string, input: unknown = {}) => {
    const response = await relay.call(method, input);
    answers.push(JSON.stringify(response.body));
    return response;
  };

  assert.deepEqual(await getUpstream(relay), { mode: 'none' });
  const none = value(await call('upstream.test'), TestResultSchema);
  assert.equal(none.ok, false);
  assert.match(none.response, /No upstream is configured/);

  const withPort = error(await call('upstream.setSmarthost', { host: 'smtp.office.test:587', port: 587, security: 'starttls' }));
  assert.equal(withPort.code, 'invalid_host');
  assert.equal(withPort.field, 'host');
  assert.match(withPort.message, /without the port/);
  assert.equal(error(await call('upstream.setSmarthost', { host: 'smtp office', port: 587, security: 'starttls' })).code, 'invalid_host');
  assert.equal(error(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 0, security: 'starttls' })).code, 'invalid_input');
  assert.equal(error(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 587, security: 'ssl' })).code, 'invalid_input');
  assert.equal(error(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 587, security: 'starttls', password })).code, 'password_without_user');
  assert.equal(error(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 587, security: 'starttls', user: 'bob', password: '' })).code, 'invalid_password');
  assert.deepEqual(await getUpstream(relay), { mode: 'none' }, 'nothing refused was stored');

  const set = value(
    await call('upstream.setSmarthost', { host: ' SMTP.Office.Test ', port: 587, security: 'starttls', user: 'relay@office.test', password }),
    UpstreamViewSchema,
  );
  assert.deepEqual(set, {
    mode: 'smarthost',
    host: 'smtp.office.test',
    port: 587,
    security: 'starttls',
    user: 'relay@office.test',
    hasPassword: true,
    rejectUnauthorized: true,
    oauth: null,
  });
  assert.deepEqual(await getUpstream(relay), set);

  // Omitted: kept. null: removed. User cleared: password goes too.
  const kept = value(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 465, security: 'tls', rejectUnauthorized: false }), UpstreamViewSchema);
  assert.deepEqual(kept, { ...set, port: 465, security: 'tls', rejectUnauthorized: false });
  const removed = value(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 465, security: 'tls', password: null }), UpstreamViewSchema);
  assert.deepEqual(removed, { ...kept, hasPassword: false });
  succeeds(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 465, security: 'tls', password }));
  // The stored password goes only to the host it was saved for: another host needs it typed again, also to test.
  const elsewhere = { host: 'collector.example', port: 587, security: 'starttls' } as const;
  for (const method of ['upstream.setSmarthost', 'upstream.test'] as const) {
    const input = method === 'upstream.test' ? { smarthost: elsewhere } : elsewhere;
    const refused = error(await call(method, input));
    assert.equal(refused.code, 'password_needed');
    assert.equal(refused.field, 'password');
    assert.match(refused.message, /^Type the password for collector\.example: the stored password was saved for smtp\.office\.test/);
  }
  assert.deepEqual(await getUpstream(relay), { ...kept, hasPassword: true }, 'nothing changed');
  const noUser = value(await call('upstream.setSmarthost', { host: 'smtp.office.test', port: 465, security: 'tls', user: null }), UpstreamViewSchema);
  assert.deepEqual(noUser, { ...kept, user: null, hasPassword: false });
  succeeds(await call('upstream.setSmarthost', { host: '192.168.1.25', port: 25, security: 'none', user: 'relay', password }));

  const settings = await readFile(join(relay.dataDir, 'settings.json'), 'utf8');
  assert.equal(settings.includes(password), false, 'not in settings.json');
  assert.equal((await readFile(join(relay.dataDir, 'secrets.vault'), 'utf8')).includes(password), false, 'encrypted in the vault');
  for (const answer of [...answers, JSON.stringify((await call('upstream.get')).body), JSON.stringify((await call('server.get')).body)]) {
    assert.equal(answer.includes(password), false, answer);
  }
  assert.equal(relay.proc.lines.some((l) => l.includes(password)), false, 'not in the host\'s output');

  const direct = value(await call('upstream.setDirect'), UpstreamViewSchema);
  assert.deepEqual(direct, { mode: 'mx', port: 25 });
  assert.deepEqual(value(await call('upstream.setDirect', { port: 2525 }), UpstreamViewSchema), { mode: 'mx', port: 2525 });
  assert.equal(error(await call('upstream.setDirect', { port: 0 })).code, 'invalid_input');
  assert.equal(error(await call('upstream.setDirect', { port: 25, host: 'x' })).code, 'invalid_input');
  const mx = value(await call('upstream.test'), TestResultSchema);
  assert.deepEqual(mx, { ok: true, response: mx.response });
  assert.match(mx.response, /Direct delivery has no single server to test/);
  // Back to a smarthost: the old password was not kept for it.
  const back = value(await call('upstream.setSmarthost', { host: '192.168.1.25', port: 25, security: 'none', user: 'relay' }), UpstreamViewSchema);
  assert.equal(back.mode === 'smarthost' && back.hasPassword, false);
});

test('upstream.test against real servers: STARTTLS and AUTH succeed, a wrong password shows the 535, a dead port is refused', async (t) => {
  const relay = await startRelayDesk(t);
  const cert = await testCertificate(['localhost'], ['127.0.0.1']);
  const upstream = await startUpstream(t, { tls: cert, auth: { user: 'relay', password: 'right-pass' } });
  const check = async () => value(await relay.call('upstream.test'), TestResultSchema);
  const smarthost = { host: upstream.host, port: upstream.port, security: 'starttls', user: 'relay', rejectUnauthorized: false };

  succeeds(await relay.call('upstream.setSmarthost', { ...smarthost, password: 'right-pass' }));
  const passed = await check();
  assert.equal(passed.ok, true, passed.response);
  assert.match(passed.response, /with STARTTLS, logged in as relay \(235 [^)]*\)/);
  assert.match(passed.response, /220 .*Python SMTP/);
  assert.deepEqual(await upstream.waitForAuth(), { user: 'relay', ok: true });
  assert.deepEqual(await upstream.received(), [], 'no mail was sent');

  succeeds(await relay.call('upstream.setSmarthost', { ...smarthost, password: 'wrong-pass' }));
  const wrong = await check();
  assert.equal(wrong.ok, false);
  assert.match(wrong.response, /^Authentication failed: 535 5\.7\.8 /);

  succeeds(await relay.call('upstream.setSmarthost', { ...smarthost, password: 'right-pass', rejectUnauthorized: true }));
  const untrusted = await check();
  assert.equal(untrusted.ok, false);
  assert.match(untrusted.response, /^TLS certificate not trusted: .*self-signed/);

  const implicit = await startUpstream(t, { tls: cert, implicitTls: true, auth: { user: 'relay', password: 'right-pass' } });
  succeeds(await relay.call('upstream.setSmarthost', { ...smarthost, port: implicit.port, security: 'tls', rejectUnauthorized: false }));
  const overTls = await check();
  assert.equal(overTls.ok, true, overTls.response);
  assert.match(overTls.response, /over TLS, logged in as relay/);

  const deadPort = await freePort(20000, 30000);
  succeeds(await relay.call('upstream.setSmarthost', { host: '127.0.0.1', port: deadPort, security: 'none', user: null }));
  const dead = await check();
  assert.equal(dead.ok, false);
  assert.match(dead.response, new RegExp(`^Connection refused by 127\\.0\\.0\\.1:${deadPort}`));

  // Settings typed in a form are tested as they are, without being saved.
  const unsaved = value(
    await relay.call('upstream.test', { smarthost: { ...smarthost, password: 'right-pass', rejectUnauthorized: false } }),
    TestResultSchema,
  );
  assert.equal(unsaved.ok, true, unsaved.response);
  assert.match(unsaved.response, /with STARTTLS, logged in as relay/);
  const kept = value(await relay.call('upstream.get'), UpstreamViewSchema);
  assert.deepEqual(kept, { ...kept, mode: 'smarthost', port: deadPort, user: null, hasPassword: false }, 'nothing was saved');
  assert.equal(error(await relay.call('upstream.test', { smarthost: { ...smarthost, password: '' } })).field, 'password');
  assert.equal(error(await relay.call('upstream.test', { smarthost: { ...smarthost, port: 0 } })).field, 'smarthost.port');
});
