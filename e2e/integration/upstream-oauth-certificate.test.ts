/**
 * Microsoft 365's app-only sign-in with a certificate credential instead of
 * a client secret: the token requested with a client assertion signed by
 * the app's key (RFC 7523 private_key_jwt), checked by a real authorization
 * server (oidc-provider, the certificate's public key registered for the
 * client), and mail relayed with XOAUTH2 to an SMTP server that checks the
 * token (aiosmtpd). A pair that does not match, or is not RSA, is refused
 * with what is wrong; the private key never leaves the vault.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { OAUTH_CERT_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer } from '../fixtures/oauth-server.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { assertNoSecrets, filesUnder } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { authorityIssuedCertificate, testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const MAILBOX = 'relay@office.example';

test('app-only sign-in with a certificate credential: token issued on a signed assertion, mail goes; a wrong pair is refused', async (t) => {
  const dns = await startDns(t);
  // The app registration's certificate: a self-signed RSA one, as Microsoft's documentation has admins make.
  const credential = await testCertificate(['relay-desk-app']);
  const server = await startOAuthServer(t, { appCertificate: credential.cert });
  const upstream = await startUpstream(t, {
    tls: await testCertificate(),
    oauth: server.smtpTokenCheck,
  });
  const relay = await startRelayDesk(t, { dns });
  const login = await senderUser(relay, dns, 'office.example');
  const settings = {
    preset: 'custom' as const,
    flow: 'app' as const,
    clientId: OAUTH_CERT_CLIENT,
    user: MAILBOX,
    smtp: { host: upstream.host, port: upstream.port, security: 'starttls' as const },
    endpoints: { authorization: null, token: server.endpoints.token, device: null },
    scope: OAUTH_SMTP_SCOPE,
    rejectUnauthorized: false,
  };

  // Another certificate's key, and an EC key: refused before anything is stored.
  const other = await authorityIssuedCertificate(['other.example'], []);
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  for (const [privateKey, why] of [[other.key, /does not belong to the certificate/], [ecKey, /RSA certificate credentials only/]] as const) {
    const refused = await relay.call('upstream.setOAuth', { ...settings, clientCertificate: { certificate: credential.cert, privateKey } });
    assert.equal(refused.status, 409);
    const error = (refused.body as { error: { code: string; message: string; field: string } }).error;
    assert.deepEqual([error.code, error.field], ['invalid_certificate', 'clientCertificate']);
    assert.match(error.message, why);
  }

  const status = await ok(relay, 'upstream.setOAuth', { ...settings, clientCertificate: { certificate: credential.cert, privateKey: credential.key } });
  assert.deepEqual([status.state, status.flow, status.problem], ['signed-in', 'app', null]);
  assert.equal(server.grants.get('client_credentials'), 1);
  const view = await ok(relay, 'upstream.get', {});
  assert.equal(view.mode === 'smarthost' && view.oauth?.hasClientCredential, true);

  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', 'Subject: Via certificate',
    '--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password,
  ]);
  assert.match(sent.output, /queued as/);
  const [message] = await upstream.waitForMessages(1);
  assert.match(message?.raw.toString() ?? '', /^Subject: Via certificate$/m);
  assert.equal(message?.authUser, MAILBOX);

  // Saved again without a credential (another setting changed): the stored certificate is kept and signs in again.
  assert.equal((await ok(relay, 'upstream.setOAuth', settings)).state, 'signed-in');
  assert.equal(server.grants.get('client_credentials'), 2);

  const keyBody = credential.key.split('\n').slice(1, 3).join('\n');
  assertNoSecrets(
    [...(await filesUnder(relay.dataDir)), ['host output', relay.proc.lines.join('\n')], ['API answers', JSON.stringify([status, view])]],
    [['the private key', keyBody], ...server.issued().map((token): [string, string] => ['an OAuth token', token])],
  );
});
