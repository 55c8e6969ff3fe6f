/**
 * The Electron binary as the deb's systemd unit runs it (Linux): `serve`
 * with the headless switches and no display at all. Its RunAsNode fuse is
 * off, so this is the only way the packaged app runs the host without a
 * window: the relay must listen, and SIGTERM (systemd's stop) must stop it
 * with the queue kept and the process ending cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { HEADLESS_SWITCHES } from '../../electron/headless-args.js';
import { freePort } from '../fixtures/ports.js';
import { electronApp } from './app.js';

test('serve runs in the Electron binary with no display, relays, and stops cleanly on SIGTERM', { skip: process.platform !== 'linux' && 'the headless unit is Linux’s' }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-desk-headless-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const { executable, appArgs } = electronApp();
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DISPLAY' && name !== 'WAYLAND_DISPLAY'));
  const child = spawn(
    executable,
    [...appArgs, ...HEADLESS_SWITCHES, 'serve', '--data-dir', dataDir, '--admin-port', '0', '--smtp-port', String(smtpPort), '--secrets', 'file'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = once(child, 'exit');
  const lines: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith(`SMTP relay listening on 0.0.0.0:${smtpPort}`)) resolve();
      });
    }
    void exited.then(() => reject(new Error(`serve exited before listening:\n${lines.join('\n')}`)));
  });
  await listening;
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0, lines.join('\n'));
  assert.ok(lines.includes('Relay Desk stopped.'), lines.join('\n'));
});
