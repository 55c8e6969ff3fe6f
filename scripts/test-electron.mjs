#!/usr/bin/env node
// `npm run test:electron`: the tests that launch the real Electron app
// (e2e/electron/, built into dist/e2e/electron/), where Electron can run. The
// app is RELAY_DESK_APP (a packaged app's executable, as CI sets it) or
// else Electron's own binary from node_modules with this project. Where
// neither exists (Electron downloads its binary on first use, which the
// development machines cannot), it says so in one line and runs nothing:
// exit 0, and no test is counted, passed or skipped. scripts/run-tests.mjs
// never runs this folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The app to launch, or why there is none. Never calls require('electron'): that downloads the binary. */
function findApp() {
  const packaged = process.env.RELAY_DESK_APP;
  if (packaged) {
    const executable = resolve(packaged);
    return existsSync(executable) ? { executable, app: null } : { reason: `RELAY_DESK_APP is ${executable}, which does not exist` };
  }
  const pathFile = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return { reason: 'RELAY_DESK_APP is not set and node_modules/electron has not downloaded its binary' };
  const executable = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(executable)) return { reason: `RELAY_DESK_APP is not set and ${executable} is missing` };
  return { executable, app: root };
}

const found = findApp();
if ('reason' in found) {
  console.log(`skipped: no Electron binary (${found.reason})`);
  process.exit(0);
}
const tests = ['smoke', 'headless'].map((name) => join(root, 'dist/e2e/electron', `${name}.test.js`));
const missing = tests.filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`test:electron: ${missing.join(', ')} not built; run npm run build first`);
  process.exit(1);
}
if (found.app && !existsSync(join(root, 'dist/electron/app-entry.js'))) {
  console.error('test:electron: dist/electron/app-entry.js not built; run npm run build first');
  process.exit(1);
}
const env = { ...process.env, RELAY_DESK_ELECTRON: found.executable, RELAY_DESK_ELECTRON_APP: found.app ?? '' };
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...tests], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
