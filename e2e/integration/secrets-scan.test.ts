/**
 * After a full scenario — users created and reset, a domain verified with
 * its DKIM key, a smarthost password set, a certificate imported, mail sent
 * through an authenticated upstream, an alert webhook added and tested — no password, verifier, token or
 * private key is found in the data folder, the host's output, or any API
 * response.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { startRelayDesk, type ApiResponse } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { assertNoSecrets, filesUnder, keyFragments, type Place } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';
import { startWebhookReceiver } from '../fixtures/webhook.js';
import { startUpstream } from '../fixtures/upstream.js';

test('no secret in the data folder, the host output or any API response', async (t) => {
  const smarthostPassword = 'Sm4rthost-Secret!';
  const dns = await startDns(t);
  const upstream = await startUpstream(t, { tls: await testCertificate(), auth: { user: 'relay', password: smarthostPassword } });
  const relay = await startRelayDesk(t, { dns });
  const responses: ApiResponse[] = [];
  const call = async (method: string, input: unknown = {}) => {
    const response = await relay.call(method, input);
    responses.push(response);
    return response;
  };

  const first = await senderUser(relay, dns, 'office.example', { note: 'scanner' });
  const reset = await ok(relay, 'users.resetPassword', { name: first.user });
  const second = await ok(relay, 'users.create', { domains: 'office.example' });
  await call('upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'starttls', user: 'relay', password: smarthostPassword, rejectUnauthorized: false });
  const tested = await call('upstream.test');
  assert.equal((tested.body as { value: { ok: boolean } }).value.ok, true, JSON.stringify(tested.body));
  const certificate = await testCertificate(['relay.office.example']);
  await call('server.importCertificate', certificate);

  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example',
    '--tls', '--auth', 'PLAIN', '--auth-user', first.user, '--auth-password', reset.password,
  ]);
  assert.equal(sent.code, 0, 'the reset password works over STARTTLS');
  assert.equal((await upstream.waitForMessages(1))[0]?.authUser, 'relay');
  await relay.waitForMessage((m) => m.status === 'delivered');

  // An alert webhook: its signing secret is answered once, by the add (not scanned), and is nowhere after.
  const hook = await startWebhookReceiver(t);
  const { secret: webhookSecret } = await ok(relay, 'alerts.channel.add', { type: 'webhook', url: hook.url, deliveryEvents: true });
  assert.ok(webhookSecret);
  await hook.setSecret(webhookSecret);
  await call('alerts.test');
  assert.equal((await hook.waitForPosts(1))[0]?.valid, true);
  for (const method of ['alerts.get', 'alerts.history']) await call(method);

  for (const method of ['users.list', 'lists.list', 'senders.list', 'server.get', 'upstream.get', 'relay.status', 'messages.list', 'messages.refusals']) await call(method);
  await call('users.get', { name: first.user });
  await relay.interrupt();

  const secrets: [string, string][] = [
    ['first password', first.password],
    ['reset password', reset.password],
    ['second password', second.password],
    ['smarthost password', smarthostPassword],
    ['admin token', relay.token],
    ['alert webhook signing secret', webhookSecret],
    ...keyFragments(certificate.key).map((f): [string, string] => ['imported private key', f]),
  ];
  const places: Place[] = [
    ...(await filesUnder(relay.dataDir)),
    ['host output', relay.proc.lines.join('\n')],
    ...responses.map((r, i): Place => [`API response ${i}`, JSON.stringify(r.body)]),
    ...hook.posts().map((p, i): Place => [`webhook POST ${i}`, JSON.stringify(p)]),
  ];
  assert.ok(places.some(([name]) => name.endsWith('settings.json')) && places.some(([name]) => name.endsWith('history.sqlite3')));
  for (const log of ['logs/host.log', 'logs/relay.log']) assert.ok(places.some(([name]) => name.endsWith(log)), `${log} is scanned`);
  assertNoSecrets(places, secrets);
});
