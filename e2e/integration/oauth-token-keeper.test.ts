/**
 * The token keeper against a real authorization server (oidc-provider) and
 * a vault in the real keychain: an access token renewed ahead of its expiry
 * with no message needing it, and the client secret only in the vault.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import keytar from 'keytar';
import { TokenKeeper, type OAuthStatus } from '../../electron/host/oauth/token-keeper.js';
import { openKeychain, serviceName } from '../../electron/host/secrets.js';
import type { UpstreamOAuth } from '../../electron/host/store/schema.js';
import { Vault, VAULT_FILE } from '../../electron/host/vault.js';
import { requireKeyringSession } from '../fixtures/keyring.js';
import { OAUTH_APP_CLIENT, OAUTH_SMTP_SCOPE, startOAuthServer } from '../fixtures/oauth-server.js';
import { tempDir } from '../fixtures/temp.js';

test('an access token is renewed 5 minutes ahead of its expiry, the relay told of each new one', async (t) => {
  requireKeyringSession();
  // 310 s tokens: renewal falls due 10 s after each is issued (the keeper's shortest wait).
  const server = await startOAuthServer(t, { accessTokenSeconds: 310 });
  const dir = await tempDir(t, 'keeper');
  const installation = `keeper-test-${process.pid}`;
  t.after(() => keytar.deletePassword(serviceName(installation), 'vault-key'));
  const vault = await Vault.open(dir, await openKeychain(installation));
  const settings: UpstreamOAuth = {
    preset: 'custom',
    flow: 'app',
    tenant: '',
    clientId: OAUTH_APP_CLIENT,
    endpoints: { authorization: null, token: server.endpoints.token, device: null },
    scope: OAUTH_SMTP_SCOPE,
    account: 'relay@office.example',
  };
  const told: (string | null)[] = [];
  const keeper = new TokenKeeper({ settings: () => settings, vault, tokensChanged: () => Promise.resolve(void told.push(keeper.accessToken())) });
  t.after(() => keeper.stop());

  await keeper.signInAsApp(server.appSecret);
  const first = keeper.status();
  assert.equal(first.state, 'signed-in');
  assert.ok(first.expiresAt && Date.parse(first.expiresAt) - Date.now() > 300_000);

  const [renewed] = (await once(keeper, 'change')) as [OAuthStatus];
  assert.equal(renewed.state, 'signed-in');
  assert.ok(renewed.expiresAt && first.expiresAt && renewed.expiresAt > first.expiresAt, 'a later expiry');
  assert.equal(server.grants.get('client_credentials'), 2);
  assert.equal(told.length, 2);
  assert.notEqual(told[0], told[1], 'the relay got the new token');

  const vaultFile = await readFile(join(dir, VAULT_FILE), 'utf8');
  assert.ok(!vaultFile.includes(server.appSecret), 'the client secret is encrypted in the vault');
  for (const token of server.issued()) assert.ok(!vaultFile.includes(token), 'no access token is stored');
});
