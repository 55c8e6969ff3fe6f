/**
 * Delivery to a smarthost that takes OAuth 2.0 bearer tokens, as Gmail and
 * Exchange Online do: a real authorization server (oidc-provider) issues the
 * tokens and a real SMTP server (aiosmtpd) checks each one at its
 * introspection endpoint. XOAUTH2 by default, OAUTHBEARER (RFC 7628) where
 * offered; a refused token defers the mail and is reported by its hash only.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import { clientCredentialsGrant, requestTokens } from '../../electron/host/oauth/token-endpoint.js';
import { createDeliverer } from '../../relay/delivery/index.js';
import { deliveryJob, sampleMessage } from '../fixtures/delivery-job.js';
import { OAUTH_APP_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer, type OAuthServer } from '../fixtures/oauth-server.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const MAILBOX = 'scanner@office.example';

async function oauthUpstream(t: TestContext, server: OAuthServer, offerOAuthBearer = false) {
  return startUpstream(t, {
    tls: await testCertificate(),
    oauth: { ...server.smtpTokenCheck, offerOAuthBearer },
  });
}

async function appToken(server: OAuthServer): Promise<string> {
  const tokens = await requestTokens(server.endpoints.token, { clientId: OAUTH_APP_CLIENT, clientSecret: server.appSecret }, clientCredentialsGrant(OAUTH_SMTP_SCOPE));
  return tokens.accessToken;
}

function deliverer(t: TestContext, port: number, accessToken: string, refused: string[] = []) {
  const d = createDeliverer(
    { mode: 'smarthost', host: '127.0.0.1', port, security: 'starttls', auth: { user: MAILBOX, accessToken }, rejectUnauthorized: false },
    { hostname: 'relay.office.example', dkim: [], onTokenRefused: (sha) => refused.push(sha) },
  );
  t.after(() => d.close());
  return d;
}

test('client credentials token: the message goes with XOAUTH2 and arrives byte for byte', async (t) => {
  const server = await startOAuthServer(t);
  const upstream = await oauthUpstream(t, server);
  const results = await deliverer(t, upstream.port, await appToken(server)).deliver(deliveryJob(['boss@example.org']));
  assert.equal(results[0]?.status, 'delivered', results[0]?.response);
  const [received] = await upstream.waitForMessages(1);
  assert.ok(received?.raw.equals(sampleMessage()));
  assert.equal(received?.tls, true);
  assert.deepEqual(upstream.auths(), [{ user: MAILBOX, ok: true, mechanism: 'XOAUTH2' }]);
});

test('a server offering OAUTHBEARER gets the standard mechanism', async (t) => {
  const server = await startOAuthServer(t);
  const upstream = await oauthUpstream(t, server, true);
  const results = await deliverer(t, upstream.port, await appToken(server)).deliver(deliveryJob(['boss@example.org']));
  assert.equal(results[0]?.status, 'delivered', results[0]?.response);
  assert.deepEqual(upstream.auths(), [{ user: MAILBOX, ok: true, mechanism: 'OAUTHBEARER' }]);
});

test('a token the server no longer accepts: the mail is deferred (never bounced) and the token reported by its SHA-256 only', async (t) => {
  const server = await startOAuthServer(t);
  const upstream = await oauthUpstream(t, server);
  const token = await appToken(server);
  await server.revokeAll();
  const refused: string[] = [];
  const results = await deliverer(t, upstream.port, token, refused).deliver(deliveryJob(['boss@example.org', 'team@example.org']));
  assert.deepEqual(
    results.map((r) => [r.status, r.code]),
    [
      ['deferred', 535],
      ['deferred', 535],
    ],
  );
  assert.match(results[0]?.response ?? '', /refused the OAuth access token: 535 5\.7\.8/);
  assert.deepEqual(refused, [createHash('sha256').update(token).digest('hex')]);
  assert.ok(!JSON.stringify(results).includes(token), 'no token in the results');
  assert.deepEqual(upstream.auths(), [{ user: MAILBOX, ok: false, mechanism: 'XOAUTH2' }]);
  assert.equal((await upstream.received()).length, 0);
});
