/**
 * The unpacked app electron-builder makes (`--dir`, the step every
 * installer is built from), with a stand-in Electron distribution
 * (../fixtures/stand-in-electron.ts: the real one cannot be downloaded
 * here) and npmRebuild off (it would download Electron's headers). Read
 * back with @electron/asar: the app's entry points, production
 * dependencies and nothing else, native modules unpacked, no tests, maps or
 * TypeScript; and the fuses electron-builder.yml asks for, flipped in the
 * binary. The project is staged in a temporary folder (its node_modules
 * hard-linked), since electron-builder reads the dependency tree with
 * `npm ls`, which cannot follow a node_modules that is a symbolic link.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import * as asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { repoRoot } from '../fixtures/paths.js';
import { ELECTRON_DEFAULT_FUSES, FUSE_DISABLED, FUSE_ENABLED, STAND_IN_BANNER, writeStandInElectronDist } from '../fixtures/stand-in-electron.js';

const run = promisify(execFile);

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
}

let work = '';
let appDir = '';
let archive = '';
let files: string[] = [];
let builderSeconds = 0;

/** The project as electron-builder needs it: config, manifests, build output, icons, node_modules. */
async function stageProject(dir: string): Promise<void> {
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) await copyFile(join(repoRoot, file), join(dir, file));
  // Hard links: instant, and nothing here is written to.
  await run('cp', ['-al', join(repoRoot, 'dist'), join(repoRoot, 'assets'), dir]);
  await run('cp', ['-al', await realpath(join(repoRoot, 'node_modules')), join(dir, 'node_modules')]);
}

after(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'relay-desk-packaging-'));
  const project = join(work, 'project');
  const dist = join(work, 'stand-in-electron-dist');
  await mkdir(project);
  await mkdir(dist);
  await stageProject(project);
  await writeStandInElectronDist(dist);
  const output = join(work, 'out');
  const started = performance.now();
  await run(
    join(project, 'node_modules/.bin/electron-builder'),
    ['--linux', '--dir', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
  builderSeconds = (performance.now() - started) / 1000;
  const unpacked = (await readdir(output)).find((name) => name.endsWith('-unpacked'));
  assert.ok(unpacked, `no *-unpacked folder in ${output}`);
  appDir = join(output, unpacked);
  archive = join(appDir, 'resources', 'app.asar');
  files = asar.listPackage(archive, { isPack: false }).map((path) => path.replace(/\\/g, '/').replace(/^\//, ''));
});

test('electron-builder makes the unpacked app from the stand-in distribution: the binary renamed, Electron’s license kept', async (t) => {
  t.diagnostic(`electron-builder --dir took ${builderSeconds.toFixed(1)} s`);
  const binary = await readFile(join(appDir, 'relay-desk'), 'latin1');
  assert.ok(binary.includes(STAND_IN_BANNER), 'the executable is the stand-in, renamed to linux.executableName');
  assert.ok(((await stat(join(appDir, 'relay-desk'))).mode & 0o111) !== 0, 'still executable');
  assert.match(await readFile(join(appDir, 'LICENSE.electron.txt'), 'utf8'), /Stand-in for the license file/);
});

test('the fuses in the packaged binary: no running as Node, no NODE_OPTIONS or --inspect, the app only from a checked app.asar, cookies encrypted', async () => {
  const wire = await getCurrentFuseWire(join(appDir, 'relay-desk'));
  const state = (fuse: FuseV1Options) => wire[fuse];
  assert.equal(state(FuseV1Options.RunAsNode), FUSE_DISABLED);
  assert.equal(state(FuseV1Options.EnableCookieEncryption), FUSE_ENABLED);
  assert.equal(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable), FUSE_DISABLED);
  assert.equal(state(FuseV1Options.EnableNodeCliInspectArguments), FUSE_DISABLED);
  assert.equal(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation), FUSE_ENABLED);
  assert.equal(state(FuseV1Options.OnlyLoadAppFromAsar), FUSE_ENABLED);
  // The two the configuration leaves alone keep Electron's defaults.
  assert.equal(state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot), ELECTRON_DEFAULT_FUSES.charCodeAt(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot));
  assert.equal(state(FuseV1Options.GrantFileProtocolExtraPrivileges), ELECTRON_DEFAULT_FUSES.charCodeAt(FuseV1Options.GrantFileProtocolExtraPrivileges));
});

test('app.asar holds the entry the binary runs, the desktop shell, its preload and tray icons, the CLI, the relay and the renderer', () => {
  const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
  assert.equal(manifest.main, 'dist/electron/app-entry.js');
  for (const file of [
    manifest.main,
    'dist/electron/main.js',
    'dist/electron/headless.js',
    'dist/electron/preload.cjs',
    'dist/electron/cli/run.js',
    'dist/electron/host/host.js',
    'dist/electron/host/keychain-probe.js',
    'dist/relay/main.js',
    'dist/renderer/index.html',
    ...['running', 'paused', 'problem'].flatMap((state) => [`assets/tray/${state}.png`, `assets/tray/${state}@2x.png`, `assets/tray/${state}.ico`, `assets/tray/${state}Template.png`]),
  ]) {
    assert.ok(files.includes(file), `app.asar lacks ${file}`);
  }
  assert.ok(
    files.some((file) => /^dist\/renderer\/assets\/index-[\w-]+\.js$/.test(file)),
    'the renderer’s bundle',
  );
  const tops = new Set(files.map((file) => file.split('/')[0]));
  assert.deepEqual([...tops].sort(), ['assets', 'dist', 'node_modules', 'package.json']);
  assert.deepEqual(files.filter((file) => file.startsWith('assets/') && !file.startsWith('assets/tray')), [], 'of the assets, only the tray’s icons');
  const builds = new Set(files.filter((file) => file.startsWith('dist/')).map((file) => file.split('/')[1]));
  assert.deepEqual([...builds].sort(), ['electron', 'relay', 'renderer'], 'no e2e or other build output');
});

test('node_modules holds exactly the production dependencies of package-lock.json: no TypeScript, Vite, Playwright, ESLint or Electron', async () => {
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const production = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.devOptional !== true)
    .map(([path]) => path);
  const packaged = files.filter((file) => files.includes(`${file}/package.json`) && /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+$/.test(file));
  assert.deepEqual([...new Set(packaged)].sort(), production.sort());
  for (const dev of ['typescript', 'vite', 'playwright', 'eslint', 'electron', 'electron-builder', 'react', '@mui/material']) {
    assert.ok(!files.includes(`node_modules/${dev}`), `${dev} is a development dependency`);
  }
});

test('the native modules (keytar, better-sqlite3) are unpacked beside app.asar, where they can be loaded', async () => {
  const natives = files.filter((file) => file.endsWith('.node'));
  assert.deepEqual(natives.sort(), ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/keytar/build/Release/keytar.node']);
  for (const file of natives) {
    const entry = asar.statFile(archive, file) as { unpacked?: boolean };
    assert.equal(entry.unpacked, true, `${file} is in the archive`);
    assert.ok((await stat(join(appDir, 'resources', 'app.asar.unpacked', file))).size > 0, `${file} is not beside it`);
  }
});

test('no tests, source maps, typings, TypeScript or C sources anywhere in the package', async () => {
  const unpackedFiles = (await readdir(join(appDir, 'resources', 'app.asar.unpacked'), { recursive: true })).map(String);
  for (const file of [...files, ...unpackedFiles]) {
    assert.doesNotMatch(file, /\.(ts|cts|mts|map|c|cc|cpp|h|hpp|tsbuildinfo)$/, file);
    assert.doesNotMatch(file, /^dist\/.*\/test\//, file);
  }
  assert.ok(!files.some((file) => file.startsWith('node_modules/better-sqlite3/deps/')), 'the SQLite sources better-sqlite3 was built from');
});
