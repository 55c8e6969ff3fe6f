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
  assert.equal(((await wrongType.json()) as { error: { code: string } }).error.code, 'unsupported_media_type');

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
    const { status, text } = await rawRequest(relay.baseUrl, path);
    assert.doesNotMatch(text, /"name": "relay-desk"/, path);
    assert.ok(status === 200 || status === 404, `${path}: ${status}`);
  }
});

test('DNS rebinding: only the loopback names on the admin port are answered, for the page and the API', async (t) => {
  const relay = await startRelayDesk(t);
  const port = new URL(relay.baseUrl).port;
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.evil.example:${port}`, '127.0.0.1']) {
    const page = await rawRequest(relay.baseUrl, '/', { headers: { Host: host } });
    assert.equal(page.status, 403, `Host: ${host}`);
    assert.doesNotMatch(page.text, /<div id="root">/, `Host: ${host}`);
    assert.match(page.text, new RegExp(`^Open Relay Desk as http://127\\.0\\.0\\.1:${port}/ or http://localhost:${port}/`));
    const api = await rawRequest(relay.baseUrl, '/api/call/relay.status', {
      method: 'POST',
      headers: { Host: host, Authorization: `Bearer ${relay.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(api.status, 403, `API with Host: ${host}`);
    assert.match(api.text, /"code":"forbidden_host"/);
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    const page = await rawRequest(relay.baseUrl, '/', { headers: { Host: host } });
    assert.equal(page.status, 200, `Host: ${host}`);
    assert.match(page.text, /<div id="root">/);
  }
});

test('a call or event stream from another origin is refused even with the token; the page itself and programs pass', async (t) => {
  const relay = await startRelayDesk(t);
  const port = new URL(relay.baseUrl).port;
  const withOrigin = (origin: string | undefined, input: unknown = {}) => ({
    method: 'POST',
    headers: {
      Authorization: `Bearer ${relay.token}`,
      'Content-Type': 'application/json',
      ...(origin === undefined ? {} : { Origin: origin }),
    },
    body: JSON.stringify(input),
  });
  for (const origin of ['http://evil.example', `http://evil.example:${port}`, `http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, 'null']) {
    const call = await rawRequest(relay.baseUrl, '/api/call/lists.create', withOrigin(origin, { name: 'Planted' }));
    assert.equal(call.status, 403, `Origin: ${origin}`);
    assert.match(call.text, /"code":"forbidden_origin"/);
    const events = await rawRequest(relay.baseUrl, '/api/events', { headers: { Authorization: `Bearer ${relay.token}`, Origin: origin } });
    assert.equal(events.status, 403, `event stream with Origin: ${origin}`);
  }
  const lists = await relay.call('lists.list');
  assert.doesNotMatch(JSON.stringify(lists.body), /Planted/, 'no refused call changed anything');
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined]) {
    const call = await rawRequest(relay.baseUrl, '/api/call/relay.status', withOrigin(origin));
    assert.equal(call.status, 200, `Origin: ${String(origin)}`);
  }
});

interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A request exactly as given: fetch would set Host and Origin itself, as browsers do. */
function rawRequest(baseUrl: string, path: string, options: RawOptions = {}): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    // The event stream never ends: its status is all a test needs.
    req.on('response', (res) => {
      if (res.headers['content-type'] === 'text/event-stream') {
        resolve({ status: res.statusCode ?? 0, text: '' });
        req.destroy();
      }
    });
    req.end(options.body);
  });
}
