/**
 * The presets checked as data against the values the providers publish
 * (the pages are cited in electron/host/oauth/presets.ts), written out here
 * once more so that a change to either side shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowRefusal, OAUTH_PRESETS } from '../host/oauth/presets.js';

test('Microsoft 365: smtp.office365.com:587 STARTTLS, SMTP.Send with offline_access, the v2.0 endpoints of the tenant or common', () => {
  const ms = OAUTH_PRESETS.microsoft365;
  assert.deepEqual(ms.smtp, { host: 'smtp.office365.com', port: 587, security: 'starttls' });
  assert.equal(ms.scope, 'https://outlook.office.com/SMTP.Send offline_access');
  assert.equal(ms.appScope, 'https://outlook.office365.com/.default');
  assert.deepEqual(ms.endpoints('contoso.onmicrosoft.com'), {
    authorization: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    token: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    device: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode',
  });
  assert.equal(ms.endpoints('').token, 'https://login.microsoftonline.com/common/oauth2/v2.0/token');
  assert.equal(flowRefusal('microsoft365', 'device'), null);
  assert.equal(flowRefusal('microsoft365', 'app'), null);
});

test('Google: smtp.gmail.com:587 STARTTLS, https://mail.google.com/, browser sign-in only, and the admin is told why', () => {
  const google = OAUTH_PRESETS.google;
  assert.deepEqual(google.smtp, { host: 'smtp.gmail.com', port: 587, security: 'starttls' });
  assert.equal(google.scope, 'https://mail.google.com/');
  assert.deepEqual(google.endpoints(''), { authorization: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token', device: null });
  assert.match(flowRefusal('google', 'device') ?? '', /device sign-in does not allow the Gmail scope/);
  assert.match(flowRefusal('google', 'app') ?? '', /no app-only sign-in/);
  assert.equal(flowRefusal('custom', 'device'), null);
});
