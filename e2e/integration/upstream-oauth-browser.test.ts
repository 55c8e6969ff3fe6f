/**
 * The smarthost signed in with the browser sign-in of a native app (RFC 8252:
 * authorization code with PKCE, answered on a loopback address) through the
 * real host, a real authorization server (oidc-provider, its own login and
 * consent pages driven in Chromium) and an SMTP server that checks every
 * token at that server's introspection endpoint (aiosmtpd): signed in, the
 * mail relayed with XOAUTH2; consent denied, nothing stored and the status
 * saying why; an answer with another state refused. No token or secret in
 * the settings, the logs, the events, the API's answers or the browser's page.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { OAuthStatusSchema, type OAuthStatus } from '../../electron/api/schemas/oauth.js';
import { ok } from '../fixtures/api.js';
import { startDns } from '../fixtures/dns.js';
import { completeBrowserSignIn, OAUTH_PUBLIC_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer, type OAuthServer } from '../fixtures/oauth-server.js';
import { startRelayDesk, whenEvent, type RelayDesk } from '../fixtures/relay-desk.js';
import { senderUser } from '../fixtures/scenario.js';
import { assertNoSecrets, filesUnder } from '../fixtures/secrets-scan.js';
import { swaks } from '../fixtures/smtp-clients.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

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
  const saved = await ok(relay, 'upstream.setOAuth', {
    preset: 'custom',
    flow: 'browser',
    clientId: OAUTH_PUBLIC_CLIENT,
    user: MAILBOX,
    smtp: { host: upstream.host, port: upstream.port, security: 'starttls' },
    endpoints: { authorization: server.endpoints.authorization, token: server.endpoints.token, device: null },
    scope: `openid email offline_access ${OAUTH_SMTP_SCOPE}`,
    rejectUnauthorized: false,
  });
  assert.equal(saved.state, 'signed-out');
  return { server, upstream, relay, login };
}

function waitForOAuth(relay: RelayDesk, predicate: (status: OAuthStatus) => boolean): Promise<OAuthStatus> {
  return whenEvent(relay.baseUrl, relay.token, 'upstream.oauth', async () => {
    const status = OAuthStatusSchema.parse(((await relay.call('upstream.oauthStatus')).body as { value: unknown }).value);
    return predicate(status) ? status : undefined;
  }, 30_000);
}

async function startSignIn(relay: RelayDesk): Promise<URL> {
  const started = await ok(relay, 'upstream.oauthSignIn', {});
  assert.equal(started.flow, 'browser');
  // Headless: the host opens no browser, the caller does.
  assert.equal(started.opened, false);
  assert.ok(Date.parse(started.expiresAt) > Date.now() + 5 * 60_000, started.expiresAt);
  const url = new URL(started.authorizationUrl);
  assert.deepEqual(
    [url.searchParams.get('response_type'), url.searchParams.get('code_challenge_method'), url.searchParams.get('login_hint'), url.searchParams.get('client_id')],
    ['code', 'S256', MAILBOX, OAUTH_PUBLIC_CLIENT],
  );
  assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  return url;
}

async function assertNoTokens(relay: RelayDesk, server: OAuthServer, others: [string, string][]): Promise<void> {
  assertNoSecrets(
    [...(await filesUnder(relay.dataDir)), ['host output', relay.proc.lines.join('\n')], ...others],
    server.issued().map((token): [string, string] => ['an OAuth token', token]),
  );
}

test('browser sign-in (code + PKCE, loopback): the provider\'s login and consent pages in Chromium, signed in, mail goes with XOAUTH2', async (t) => {
  const { server, upstream, relay, login } = await setUp(t);
  const url = await startSignIn(relay);
  const signedIn = waitForOAuth(relay, (s) => s.state === 'signed-in');
  const shown = await completeBrowserSignIn(t, url.toString(), MAILBOX);
  assert.match(shown, /Signed in to Relay Desk as relay@office\.example\. You can close this tab\./);
  const status = await signedIn;
  assert.deepEqual([status.account, status.flow, status.problem], [MAILBOX, 'browser', null]);
  assert.equal(server.grants.get('authorization_code'), 1);

  // The listener is gone once the answer came.
  await assert.rejects(fetch(`${url.searchParams.get('redirect_uri')}?state=x&code=y`), 'the loopback listener is closed');

  const sent = await swaks(relay.smtpPort, [
    '--from', 'clerk@office.example', '--to', 'boss@example.org', '--header', 'From: clerk@office.example', '--header', 'Subject: Via browser sign-in',
    '--tls', '--auth', 'PLAIN', '--auth-user', login.user, '--auth-password', login.password,
  ]);
  assert.match(sent.output, /queued as/);
  const [message] = await upstream.waitForMessages(1);
  assert.match(message?.raw.toString() ?? '', /^Subject: Via browser sign-in$/m);
  assert.equal(message?.authUser, MAILBOX);
  await assertNoTokens(relay, server, [['the browser page', shown], ['API answers', JSON.stringify([status, await ok(relay, 'upstream.get', {})])]]);
});

test('browser sign-in: consent denied says the sign-in did not finish and stores nothing; an answer with another state is refused', async (t) => {
  const { server, relay } = await setUp(t);
  const url = await startSignIn(relay);
  const redirect = url.searchParams.get('redirect_uri') ?? '';

  // A forged answer (another page sending the browser to the loopback address): refused, the sign-in still awaited.
  const forged = await fetch(`${redirect}?state=forged&code=stolen`);
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /does not belong to the sign-in Relay Desk started/);
  assert.equal((await ok(relay, 'upstream.oauthStatus', {})).problem, null);

  const failed = waitForOAuth(relay, (s) => s.problem !== null);
  const shown = await completeBrowserSignIn(t, url.toString(), MAILBOX, 'deny');
  assert.match(shown, /Sign-in did not finish.*access_denied/s);
  const status = await failed;
  assert.equal(status.state, 'signed-out');
  assert.match(status.problem ?? '', /^The sign-in did not finish: .*access_denied/);
  assert.equal(server.grants.get('authorization_code'), undefined, 'no code exchanged');
  assert.deepEqual(server.issued(), [], 'no token issued');

  // A new sign-in replaces the pending one: its listener is closed.
  const first = (await startSignIn(relay)).searchParams.get('redirect_uri') ?? '';
  const second = (await startSignIn(relay)).searchParams.get('redirect_uri') ?? '';
  assert.notEqual(first, second);
  await assert.rejects(fetch(`${first}?state=x&code=y`), 'the replaced sign-in no longer listens');
  assert.equal((await fetch(`${second}?state=x&code=y`)).status, 400, 'the new one listens');
});
