/**
 * The smarthost signed in with OAuth 2.0 through the real host, its relay, a
 * real authorization server (oidc-provider) and an SMTP server that checks
 * every token at that server's introspection endpoint (aiosmtpd): the
 * app-only grant (client credentials) and the device flow (RFC 8628, its
 * verification page completed by a "user" in Chromium); mail relayed with
 * XOAUTH2; a token the server stops taking renewed once and the message
 * still going; a grant revoked deferring mail in "sign in again" until a
 * new sign-in delivers it; no token or secret in the settings, the logs,
 * the events or the API's answers.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { OAuthStatusSchema, type OAuthStatus } from '../../electron/api/schemas/oauth.js';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { approveDeviceSignIn, OAUTH_APP_CLIENT, OAUTH_PUBLIC_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer, type OAuthServer } from '../fixtures/oauth-server.js';
import { startRelayDesk, whenEvent, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { assertNoSecrets, filesUnder } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream, type Upstream } from '../fixtures/upstream.js';

const MAILBOX = 'relay@office.example';

async function setUp(t: TestContext) {
  const dns = await startDns(t);
  const server = await startOAuthServer(t);
  const upstream = await startUpstream(t, {
    tls: await testCertificate(),
    oauth: server.smtpTokenCheck,
  });
  const relay = await startRelayDesk(t, { dns });
  const login = await senderUser(relay, dns, 'office.example');
  return { server, upstream, relay, login };
}

/** The custom preset pointed at the test provider and SMTP server, as an admin would fill it in. */
function customSettings(server: OAuthServer, upstream: Upstream, flow: 'app' | 'device') {
  return {
    preset: 'custom' as const,
    flow,
    clientId: flow === 'app' ? OAUTH_APP_CLIENT : OAUTH_PUBLIC_CLIENT,
    ...(flow === 'app' ? { clientSecret: server.appSecret } : {}),
    user: MAILBOX,
    smtp: { host: upstream.host, port: upstream.port, security: 'starttls' as const },
    endpoints: { authorization: server.endpoints.authorization, token: server.endpoints.token, device: server.endpoints.device },
    scope: flow === 'app' ? OAUTH_SMTP_SCOPE : `openid email offline_access ${OAUTH_SMTP_SCOPE}`,
    rejectUnauthorized: false,
  };
}

async function send(relay: RelayDesk, login: { user: string; password: string }, subject: string): Promise<void> {
  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', `Subject: ${subject}`,
    '--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password,
  ]);
  assert.match(sent.output, /queued as/);
}

/** Resolves with the OAuth status once it satisfies `predicate`, watching the upstream.oauth event. */
function waitForOAuth(relay: RelayDesk, predicate: (status: OAuthStatus) => boolean): Promise<OAuthStatus> {
  return whenEvent(relay.baseUrl, relay.token, 'upstream.oauth', async () => {
    const status = OAuthStatusSchema.parse(((await relay.call('upstream.oauthStatus')).body as { value: unknown }).value);
    return predicate(status) ? status : undefined;
  }, 30_000);
}

/** The places no token or secret may be: the data folder (settings, logs, vault excepted: it is encrypted) and the host's output. */
async function assertNoTokens(relay: RelayDesk, server: OAuthServer, answers: unknown[]): Promise<void> {
  const places = [
    ...(await filesUnder(relay.dataDir)),
    ['host output', relay.proc.lines.join('\n')] as [string, string],
    ['API answers', JSON.stringify(answers)] as [string, string],
  ];
  assertNoSecrets(places, [
    ['the client secret', server.appSecret],
    ...server.issued().map((token): [string, string] => ['an OAuth token', token]),
  ]);
}

test('app-only sign-in (client credentials): mail goes with XOAUTH2; a token the server stops taking is renewed once and the message still goes', async (t) => {
  const { server, upstream, relay, login } = await setUp(t);
  const status = await ok(relay, 'upstream.setOAuth', customSettings(server, upstream, 'app'));
  assert.equal(status.state, 'signed-in');
  assert.equal(status.user, MAILBOX);
  assert.ok(status.expiresAt && Date.parse(status.expiresAt) > Date.now() + 30 * 60_000, 'an hour-long token');

  // Test connection: the token's account and expiry, and the server's answer to AUTH.
  const tested = await ok(relay, 'upstream.test', {});
  assert.equal(tested.ok, true, tested.response);
  assert.match(tested.response, /with STARTTLS, logged in with XOAUTH2 as relay@office\.example \(235 2\.7\.0 Authentication successful\)\. The token is relay@office\.example's, valid until \d{4}-/);

  // The troubleshooting upstream check logs in the same way, the token never in its transcript.
  const checked = await ok(relay, 'doctor.upstream', {});
  assert.equal(checked.status, 'ok', checked.summary);
  assert.ok(checked.details.some((line) => line.includes(`AUTH XOAUTH2 **** (an access token for ${MAILBOX})`)), checked.details.join('\n'));
  assert.ok(checked.details.some((line) => line.includes('235 2.7.0')), checked.details.join('\n'));

  await send(relay, login, 'First');
  const [first] = await upstream.waitForMessages(1);
  assert.match(first?.raw.toString() ?? '', /^Subject: First$/m);
  assert.equal(first?.authUser, MAILBOX);

  // The provider ends the access token early (as a reset or policy does): the relay's login is refused, the host fetches another.
  await server.expireAccessTokens();
  await upstream.closeSessions();
  await send(relay, login, 'Second');
  const messages = await upstream.waitForMessages(2);
  assert.match(messages[1]?.raw.toString() ?? '', /^Subject: Second$/m);
  assert.deepEqual(
    upstream.auths().map((a) => a.ok),
    // Test connection's login, the troubleshooting check's, the first message's, the refused one, the renewed one.
    [true, true, true, false, true],
  );
  assert.equal(server.grants.get('client_credentials'), 2);
  await assertNoTokens(relay, server, [status, tested, checked, await ok(relay, 'upstream.oauthStatus', {}), await ok(relay, 'upstream.get', {})]);
});

test('device sign-in completed in a browser; a revoked grant defers mail in "sign in again", and signing in again delivers it', async (t) => {
  const { server, upstream, relay, login } = await setUp(t);
  assert.equal((await ok(relay, 'upstream.setOAuth', customSettings(server, upstream, 'device'))).state, 'signed-out');

  const signIn = async () => {
    const started = await ok(relay, 'upstream.oauthSignIn', {});
    assert.equal(started.flow, 'device');
    const signedIn = waitForOAuth(relay, (s) => s.state === 'signed-in');
    await approveDeviceSignIn(t, started.verificationUri, started.userCode, MAILBOX);
    return signedIn;
  };
  const status = await signIn();
  assert.equal(status.account, MAILBOX);

  await send(relay, login, 'Before');
  await upstream.waitForMessages(1);

  // The grant is revoked (a password change, an admin's revocation): the next renewal fails for good.
  await server.revokeAll();
  await upstream.closeSessions();
  const again = waitForOAuth(relay, (s) => s.state === 'sign-in-again');
  await send(relay, login, 'Waiting');
  const waiting = await again;
  assert.match(waiting.problem ?? '', /invalid_grant/);
  const tested = await ok(relay, 'upstream.test', {});
  assert.deepEqual([tested.ok, /^Not signed in to the provider: .*invalid_grant.*Sign in, then test again\.$/.test(tested.response)], [false, true], tested.response);
  await relay.waitForMessage((m) => m.subject === 'Waiting' && m.status === 'deferred');
  assert.equal((await upstream.received()).length, 1, 'nothing more went out');

  await signIn();
  const messages = await upstream.waitForMessages(2);
  assert.match(messages[1]?.raw.toString() ?? '', /^Subject: Waiting$/m);
  await relay.waitForMessage((m) => m.subject === 'Waiting' && m.status === 'delivered');
  await assertNoTokens(relay, server, [await ok(relay, 'upstream.oauthStatus', {})]);
});
