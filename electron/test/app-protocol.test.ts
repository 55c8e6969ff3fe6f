import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { APP_ENTRY_URL, APP_ORIGIN, createAppProtocolHandler, rendererFileFor } from '../app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../security.js';

let base: string;
let root: string;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'relay-desk-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Relay Desk</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'export {};');
  await writeFile(join(base, 'secret.txt'), 'outside the renderer');
});

after(() => rm(base, { recursive: true, force: true }));

/** Stands in for net.fetch: reads file URLs from disk, fails for missing files. */
const readFileUrl = async (url: string) => new Response(await readFile(fileURLToPath(url)), { headers: { 'Content-Type': 'x/from-disk' } });

test('app:// URLs map to files under the renderer folder', () => {
  assert.equal(rendererFileFor(root, APP_ENTRY_URL), join(root, 'index.html'));
  assert.equal(rendererFileFor(root, `${APP_ORIGIN}/`), join(root, 'index.html'));
  assert.equal(rendererFileFor(root, `${APP_ORIGIN}/assets/app.js?v=1#x`), join(root, 'assets', 'app.js'));
});

const HOSTILE_PATHS = [
  '/../secret.txt',
  '/%2e%2e/secret.txt',
  '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
  '/..%5csecret.txt',
  '/index.html%00.js',
  '/%E0%A4%A',
];

test('no path leads out of the renderer folder', () => {
  for (const path of HOSTILE_PATHS) {
    const file = rendererFileFor(root, APP_ORIGIN + path);
    assert.ok(file === null || file.startsWith(join(root, '/')), `${path} → ${String(file)}`);
  }
  // Encoded separators are decoded before the containment check.
  assert.equal(rendererFileFor(root, `${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fsecret.txt`), null);
});

test('only the app origin is served', () => {
  for (const url of ['app://elsewhere/index.html', 'app://relay-desk:8080/index.html', 'file:///etc/passwd', 'https://relay-desk/index.html', 'not a url']) {
    assert.equal(rendererFileFor(root, url), null, url);
  }
});

test('the handler never serves a file from outside the renderer folder', async () => {
  const handle = createAppProtocolHandler(root, readFileUrl);
  for (const path of HOSTILE_PATHS) {
    const response = await handle(new Request(APP_ORIGIN + path));
    assert.equal(response.status, 404, path);
    assert.doesNotMatch(await response.text(), /outside the renderer/, path);
  }
});

test('served files carry the CSP and nosniff', async () => {
  const handle = createAppProtocolHandler(root, readFileUrl);
  const response = await handle(new Request(APP_ENTRY_URL));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('Content-Security-Policy'), CONTENT_SECURITY_POLICY);
  assert.equal(response.headers.get('X-Content-Type-Options'), 'nosniff');
  assert.equal(response.headers.get('Content-Type'), 'x/from-disk');
  assert.match(await response.text(), /<title>Relay Desk<\/title>/);
});

test('missing files and non-GET requests get a 404', async () => {
  const handle = createAppProtocolHandler(root, readFileUrl);
  assert.equal((await handle(new Request(`${APP_ORIGIN}/missing.js`))).status, 404);
  assert.equal((await handle(new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }))).status, 404);
});
