/**
 * `relay-desk upstream oauth` against a running host, a real authorization
 * server (oidc-provider) and an SMTP server that checks tokens (aiosmtpd):
 * the device flow and the browser flow printed and waited for while a
 * "user" signs in in Chromium, status and sign-out, the app-only flow with its secret on
 * standard input, and Google's device flow refused with the reason.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ok } from '../fixtures/api.js';
import { assertOneLineError, cli, cliOk } from '../fixtures/cli.js';
import { approveDeviceSignIn, completeBrowserSignIn, OAUTH_APP_CLIENT, OAUTH_PUBLIC_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer } from '../fixtures/oauth-server.js';
import { cliEntry } from '../fixtures/paths.js';
import { spawnProcess } from '../fixtures/process.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';
import { testCertificate } from '../fixtures/tls.js';
import { startUpstream } from '../fixtures/upstream.js';

const MAILBOX = 'relay@office.example';

async function setUp(t: TestContext) {
  const server = await startOAuthServer(t);
  const upstream = await startUpstream(t, {
    tls: await testCertificate(),
    oauth: server.smtpTokenCheck,
  });
  const relay = await startRelayDesk(t);
  // The test server's certificate is self-signed: trusted as an admin would in the Server screen; the OAuth settings keep that choice.
  await ok(relay, 'upstream.setSmarthost', { host: upstream.host, port: upstream.port, security: 'starttls', user: null, rejectUnauthorized: false });
  const at = ['--data-dir', relay.dataDir];
  const custom = ['--preset', 'custom', '--user', MAILBOX, '--host', upstream.host, '--port', String(upstream.port), '--security', 'starttls', '--token-url', server.endpoints.token];
  return { server, at, custom };
}

test('upstream oauth (device flow): prints the address and code, waits for the sign-in, then status and sign-out', async (t) => {
  const { server, at, custom } = await setUp(t);
  const args = ['upstream', 'oauth', ...custom, '--device-url', server.endpoints.device, '--scope', `openid email offline_access ${OAUTH_SMTP_SCOPE}`, '--client-id', OAUTH_PUBLIC_CLIENT, ...at];
  const signIn = spawnProcess(process.execPath, [cliEntry, ...args]);
  t.after(() => signIn.stop());
  const line = await signIn.waitForLine(/^To sign in as /);
  const [, uri, code] = /open (\S+) and enter the code (\S+) /.exec(line) ?? [];
  assert.ok(uri && code, line);
  await approveDeviceSignIn(t, uri, code, MAILBOX);
  const done = await signIn.waitForLine(/^Upstream OAuth: /);
  assert.match(done, /^Upstream OAuth: signed in as relay@office\.example, token valid until \d{4}-\d\d-\d\dT/);
  assert.equal((await signIn.exited).code, 0);

  assert.match(await cliOk(['upstream', 'oauth', 'status', ...at]), /^Upstream OAuth: signed in as relay@office\.example/);
  assert.match(await cliOk(['upstream', 'test', ...at]), /^OK: Connected to .* with STARTTLS, logged in with XOAUTH2 as relay@office\.example \(235 .*\)\. The token is relay@office\.example's, valid until /);
  assert.equal(await cliOk(['upstream', 'oauth', 'sign-out', ...at]), 'Upstream OAuth: not signed in as relay@office.example.\n');
  const status = await cli(['upstream', 'oauth', 'status', ...at]);
  assert.equal(status.code, 1, 'status exits 1 while not signed in');
});

test('upstream oauth --flow browser: prints the address to open, waits for the sign-in on the provider\'s pages', async (t) => {
  const { server, at, custom } = await setUp(t);
  const args = ['upstream', 'oauth', ...custom, '--flow', 'browser', '--auth-url', server.endpoints.authorization, '--scope', `openid email offline_access ${OAUTH_SMTP_SCOPE}`, '--client-id', OAUTH_PUBLIC_CLIENT, ...at];
  const signIn = spawnProcess(process.execPath, [cliEntry, ...args]);
  t.after(() => signIn.stop());
  const line = await signIn.waitForLine(/^To sign in as /);
  const [, url] = /open (\S+) in a browser on the computer Relay Desk runs on \(until /.exec(line) ?? [];
  assert.ok(url, line);
  assert.match(await completeBrowserSignIn(t, url, MAILBOX), /Signed in to Relay Desk as relay@office\.example/);
  assert.match(await signIn.waitForLine(/^Upstream OAuth: /), /^Upstream OAuth: signed in as relay@office\.example, token valid until /);
  assert.equal((await signIn.exited).code, 0);
});

test('upstream oauth --flow app: the client secret from standard input, signed in at once, never printed', async (t) => {
  const { server, at, custom } = await setUp(t);
  const result = await cli(['upstream', 'oauth', ...custom, '--flow', 'app', '--scope', OAUTH_SMTP_SCOPE, '--client-id', OAUTH_APP_CLIENT, '--client-secret-stdin', ...at, '--json'], { stdin: server.appSecret });
  assert.equal(result.code, 0, result.stderr);
  const status = JSON.parse(result.stdout) as { state: string; flow: string };
  assert.deepEqual([status.state, status.flow], ['signed-in', 'app']);
  assert.ok(!result.stdout.includes(server.appSecret) && !result.stderr.includes(server.appSecret));
  for (const token of server.issued()) assert.ok(!result.stdout.includes(token), 'no token printed');
});

test('upstream oauth --preset google --flow device: no device flow for the Gmail scope, and it says so', async (t) => {
  const { at } = await setUp(t);
  const result = await cli(['upstream', 'oauth', '--preset', 'google', '--flow', 'device', '--client-id', 'x.apps.googleusercontent.com', '--user', 'office@gmail.com', ...at]);
  assertOneLineError(result, /device sign-in does not allow the Gmail scope/);
});
