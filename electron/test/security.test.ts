import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PermissionCheckHandlerHandlerDetails, PermissionRequest, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, denyAllPermissions, windowOptions } from '../security.js';

/** The CSP as directive name → its sources. */
function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

test('the window runs the page sandboxed, isolated and without Node', () => {
  const prefs = windowOptions('/app/dist/electron/preload.cjs').webPreferences;
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
});

test('the preload path is passed through unchanged', () => {
  assert.equal(windowOptions('/some/where/preload.cjs').webPreferences.preload, '/some/where/preload.cjs');
});

test('the window stays hidden until its first paint', () => {
  assert.equal(windowOptions('/p.cjs').show, false);
});

test('the CSP allows only the app itself to run code, embed or frame it', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);
  assert.deepEqual(csp.get('default-src'), ["'self'"]);
  assert.deepEqual(csp.get('script-src'), ["'self'"]);
  assert.deepEqual(csp.get('object-src'), ["'none'"]);
  assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
});

test('the CSP never allows inline or evaluated scripts', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);
  for (const directive of ['default-src', 'script-src']) {
    const sources = csp.get(directive) ?? [];
    assert.ok(!sources.includes("'unsafe-inline'"), `${directive} allows 'unsafe-inline'`);
    assert.ok(!sources.includes("'unsafe-eval'"), `${directive} allows 'unsafe-eval'`);
  }
});

test('every permission request is refused and every permission check says no', () => {
  // A recording stand-in for Electron's Session (Electron itself cannot run here).
  const set: { request?: Parameters<Session['setPermissionRequestHandler']>[0]; check?: Parameters<Session['setPermissionCheckHandler']>[0] } = {};
  denyAllPermissions({
    setPermissionRequestHandler: (handler) => (set.request = handler),
    setPermissionCheckHandler: (handler) => (set.check = handler),
  });
  const answers: boolean[] = [];
  const contents = null as unknown as WebContents;
  for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation'] as const) {
    set.request?.(contents, permission, (granted) => answers.push(granted), {} as PermissionRequest);
  }
  assert.deepEqual(answers, [false, false, false, false]);
  assert.equal(set.check?.(contents, 'notifications', 'app://relay-desk', {} as PermissionCheckHandlerHandlerDetails), false);
});
