/**
 * electron-builder cannot run here (it needs the Electron binary), so its
 * configuration is checked the way electron-builder itself checks it: with
 * ajv against app-builder-lib's scheme.json. js-yaml and ajv come with
 * electron-builder; js-yaml ships no types, hence the require.
 */
import { Ajv } from 'ajv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { HEADLESS_SWITCHES } from '../headless-args.js';
import { PACKAGED_LAUNCH, serviceUnit } from '../service/systemd-unit.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const scheme = require('app-builder-lib/scheme.json') as { properties: Record<string, unknown> };

const projectFile = (name: string) => new URL(`../../../${name}`, import.meta.url);
const config = yaml.load(readFileSync(projectFile('electron-builder.yml'), 'utf8')) as Record<string, unknown>;
// Same leniency as electron-builder's own validator, minus type coercion.
const validate = new Ajv({ allErrors: true, strict: false }).compile(scheme);

test('electron-builder.yml matches electron-builder’s schema', () => {
  assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));
  for (const key of Object.keys(config)) assert.ok(Object.hasOwn(scheme.properties, key), `unknown top-level key ${key}`);
});

test('the schema check does catch mistakes', () => {
  assert.equal(validate({ ...config, appID: 'typo' }), false);
  assert.equal(validate({ ...config, mac: { target: 'dmg', hardenedRuntime: 'yes' } }), false);
});

test('the app identity, output and build resources', () => {
  assert.equal(config.appId, 'app.relaydesk.desktop');
  assert.equal(config.productName, 'Relay Desk');
  assert.deepEqual(config.directories, { output: 'release', buildResources: 'assets' });
});

test('the package holds the build output without tests, maps or typings', () => {
  const files = config.files as string[];
  for (const pattern of ['package.json', 'dist/relay/**', 'dist/electron/**', 'dist/renderer/**']) {
    assert.ok(files.includes(pattern), `files lacks ${pattern}`);
  }
  for (const pattern of ['!dist/**/test/**', '!dist/**/*.map', '!dist/**/*.d.ts']) {
    assert.ok(files.includes(pattern), `files does not exclude ${pattern}`);
  }
});

test('the native modules are unpacked, and better-sqlite3 (not N-API) is rebuilt for Electron’s ABI', () => {
  assert.deepEqual(config.asarUnpack, ['node_modules/keytar/**/*.node', 'node_modules/better-sqlite3/**/*.node']);
  assert.equal(config.npmRebuild, true);
});

test('one installer kind per platform', () => {
  assert.deepEqual(config.win, { target: 'nsis' });
  assert.deepEqual(config.mac, { target: 'dmg', category: 'public.app-category.utilities', hardenedRuntime: true });
  const linux = config.linux as Record<string, unknown>;
  assert.deepEqual(linux.target, ['AppImage', 'deb']);
  assert.equal(linux.category, 'Network');
  assert.match(String(linux.maintainer), /^.+ <[^@\s]+@[^@\s]+>$/, 'deb needs a maintainer with an email address');
});

test('the icon is a 512×512 PNG, large enough for macOS and Windows', () => {
  assert.equal(config.icon, 'assets/icon.png');
  const png = readFileSync(projectFile('assets/icon.png'));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(png.readUInt32BE(16), 512, 'width');
  assert.equal(png.readUInt32BE(20), 512, 'height');
});

test('the deb offers the headless host the systemd unit `relay-desk service install` writes, for the packaged app, and its system user', () => {
  const fpm = (config.deb as { fpm?: string[] } | undefined)?.fpm ?? [];
  assert.deepEqual(fpm, [
    'assets/linux/relay-desk.service=/usr/lib/systemd/system/relay-desk.service',
    'assets/linux/relay-desk.sysusers.conf=/usr/lib/sysusers.d/relay-desk.conf',
  ]);
  assert.equal(readFileSync(projectFile('assets/linux/relay-desk.service'), 'utf8'), serviceUnit(PACKAGED_LAUNCH), 'the shipped unit is the generated one');
  assert.match(readFileSync(projectFile('assets/linux/relay-desk.sysusers.conf'), 'utf8'), /^u relay-desk - "Relay Desk" \/var\/lib\/relay-desk \/usr\/sbin\/nologin$/m);
  // electron-builder installs the app as /opt/<productName>/<executableName>, which runs serve itself, headless.
  const linux = config.linux as { executableName?: string };
  assert.deepEqual(PACKAGED_LAUNCH.command, [`/opt/${String(config.productName)}/${String(linux.executableName)}`, ...HEADLESS_SWITCHES]);
});

test('Electron fuses: no running as Node, no NODE_OPTIONS or --inspect, the app only from its checked app.asar, cookies encrypted', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    onlyLoadAppFromAsar: true,
    enableEmbeddedAsarIntegrityValidation: true,
    resetAdHocDarwinSignature: true,
  });
  assert.equal(validate({ ...config, electronFuses: { runAsNode: 'no' } }), false, 'a fuse is a boolean');
  assert.equal(validate({ ...config, electronFuses: { runAsNodes: false } }), false, 'an unknown fuse is refused');
});

test('the Electron binary runs the app through the entry that tells a command line from the desktop app', () => {
  const pkg = JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, 'dist/electron/app-entry.js');
});
