/**
 * The desktop app launched for real (where Electron runs: CI's Windows,
 * macOS and Linux runners, `npm run test:electron`), driven by Playwright's
 * Electron support: the window shows the Users screen, the relay listens
 * on its default port 2525, closing the window leaves it listening, and
 * Quit stops it. Its data and settings go to a fresh folder (the OS's
 * variables for them pointed there), so a real installation is untouched.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron } from 'playwright';
import { waitUntil } from '../fixtures/wait.js';
import { electronApp } from './app.js';

const DEFAULT_SMTP_PORT = 2525;

/** The first line a server on the port says, or null when nothing listens. */
function greeting(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5_000, () => socket.destroy());
    socket.once('data', (data) => {
      resolve(data.toString('latin1').split('\r\n')[0] ?? '');
      socket.end('QUIT\r\n');
    });
    socket.once('error', () => resolve(null));
    socket.once('close', () => resolve(null));
  });
}

/** Where each OS's app data goes, pointed at `dir` (defaultDataDir, Electron's userData and logs). */
function isolatedEnvironment(dir: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  if (process.platform === 'win32') return { ...env, APPDATA: dir, LOCALAPPDATA: dir };
  if (process.platform === 'darwin') return { ...env, HOME: dir };
  return { ...env, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state') };
}

test('the app shows the Users screen, relays on port 2525, keeps relaying with its window closed, and stops on Quit', async (t) => {
  assert.equal(await greeting(DEFAULT_SMTP_PORT), null, `port ${DEFAULT_SMTP_PORT} must be free for this test: something already listens there`);
  const home = await mkdtemp(join(tmpdir(), 'relay-desk-electron-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const { executable, appArgs } = electronApp();
  const app = await _electron.launch({ executablePath: executable, args: appArgs, env: isolatedEnvironment(home), timeout: 60_000 });
  const child = app.process();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const window = await app.firstWindow();
  await window.getByRole('tab', { name: 'Users' }).click({ timeout: 60_000 });
  await window.getByRole('heading', { name: 'SMTP users' }).waitFor();

  let banner: string | null = null;
  await waitUntil(
    `the relay greets on port ${DEFAULT_SMTP_PORT}`,
    async () => (banner = await greeting(DEFAULT_SMTP_PORT)) !== null,
    30_000,
  );
  assert.match(String(banner), /^220 /);

  // As the window's close button does: the window goes, the app and its relay stay.
  const closed = new Promise<void>((resolve) => window.once('close', () => resolve()));
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((win) => win.close()));
  await closed;
  assert.equal(child.exitCode, null, 'the app is still running with no window');
  assert.match(String(await greeting(DEFAULT_SMTP_PORT)), /^220 /, 'and its relay still answers');

  // Quit (the tray's and the app menu's item call app.quit()): the relay stops, then the app exits.
  await app.evaluate(({ app: electron }) => electron.quit()).catch(() => undefined);
  assert.equal(await exited, 0);
  assert.equal(await greeting(DEFAULT_SMTP_PORT), null, 'nothing listens once the app has quit');
});
