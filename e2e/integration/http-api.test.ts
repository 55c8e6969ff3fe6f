/**
 * The headless HTTP transport: every API request needs the admin token, bad
 * input gets a clear error, events stream, and the UI files are served with a
 * strict content security policy.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('the API answers only with the admin token', async (t) => {
  const relay = await startRelayDesk(t);
  const ok = await relay.call('relay.status');
  assert.equal(ok.status, 200);
  assert.equal((ok.body as { value: { status: string } }).value.status, 'running');

  for (const token of ['', 'wrong', `${relay.token}x`]) {
    const denied = await relay.call('relay.status', {}, token);
    assert.equal(denied.status, 401);
    assert.deepEqual((denied.body as { error: { code: string } }).error.code, 'unauthorized');
  }
  const noHeader = await fetch(new URL('api/call/relay.status', relay.baseUrl), { method: 'POST' });
  assert.equal(noHeader.status, 401);
  const events = await fetch(new URL('api/events', relay.baseUrl));
  assert.equal(events.status, 401);
});

test('bad requests get a stable code and a human message', async (t) => {
  const relay = await startRelayDesk(t);
  const unknown = await relay.call('relay.explode');
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { ok: false, error: { code: 'unknown_method', message: 'There is no API method named "relay.explode".' } });

  const extra = await relay.call('relay.status', { force: true });
  assert.equal(extra.status, 400);
  assert.equal((extra.body as { error: { code: string } }).error.code, 'invalid_input');

  const headers = { Authorization: `Bearer ${relay.token}` };
  const notJson = await fetch(new URL('api/call/relay.status', relay.baseUrl), {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: '{not json',
  });
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: { message: string } }).error.message, /not valid JSON/);

  const wrongType = await fetch(new URL('api/call/relay.status', relay.baseUrl), {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'text/plain' },
    body: '{}',
  });
  assert.equal(wrongType.status, 415);

  const huge = await fetch(new URL('api/call/relay.status', relay.baseUrl), {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
  });
  assert.equal(huge.status, 413);
});

test('the UI is served with a strict content security policy and no file outside it', async (t) => {
  const relay = await startRelayDesk(t);
  const index = await fetch(relay.baseUrl);
  assert.equal(index.status, 200);
  const csp = index.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await index.text(), /<div id="root">/);

  // Raw paths, as an attacker would send them (fetch would normalise them first).
  for (const path of ['/../package.json', '/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/assets/../../../package.json']) {
    const { status, text } = await rawGet(relay.baseUrl, path);
    assert.doesNotMatch(text, /"name": "relay-desk"/, path);
    assert.ok(status === 200 || status === 404, `${path}: ${status}`);
  }
});

function rawGet(baseUrl: string, path: string): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}
