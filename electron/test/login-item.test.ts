/**
 * Start at login. On Linux the autostart entry is read back from a temporary
 * $XDG_CONFIG_HOME and checked by tools no one here wrote: desktop-file-utils'
 * validator, and GLib's `gio launch`, which parses its Exec line as a GNOME
 * session does at login and runs it. Windows' and macOS's login items are
 * Electron's, given a recording stand-in for its app object.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { LoginItemSettings, LoginItemSettingsOptions, Settings } from 'electron';
import {
  autostartDir,
  DESKTOP_FILE,
  desktopEntry,
  electronLoginItem,
  execArgument,
  launchCommand,
  loginItemFor,
  renewLoginItem,
  startsHidden,
  xdgLoginItem,
  type ElectronLoginItems,
} from '../shell/login-item.js';
import { tempDir } from './history-fixture.js';

const run = promisify(execFile);

/** Runs a tool if it is installed; otherwise the test is skipped and says which package to install. */
async function tool(t: TestContext, command: string, args: string[], apt: string): Promise<{ stdout: string; stderr: string } | null> {
  try {
    return await run(command, args, { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      t.skip(`${command} is not installed (apt: ${apt}; scripts/install-system-packages.sh)`);
      return null;
    }
    throw err;
  }
}

test('the command that starts the app to the tray: the AppImage file, the installed executable, or Electron with the checkout', () => {
  const facts = { execPath: '/opt/Relay Desk/relay-desk', appImage: undefined, packaged: true, appPath: '/opt/Relay Desk/resources/app.asar' };
  assert.deepEqual(launchCommand(facts), ['/opt/Relay Desk/relay-desk', '--hidden']);
  // An AppImage runs from a mount that changes every start; $APPIMAGE is the file itself.
  assert.deepEqual(launchCommand({ ...facts, execPath: '/tmp/.mount_RelayXYZ/relay-desk', appImage: '/home/a/Apps/Relay-Desk.AppImage' }), [
    '/home/a/Apps/Relay-Desk.AppImage',
    '--hidden',
  ]);
  assert.deepEqual(launchCommand({ execPath: '/src/node_modules/electron/dist/electron', appImage: undefined, packaged: false, appPath: '/src' }), [
    '/src/node_modules/electron/dist/electron',
    '/src',
    '--hidden',
  ]);
});

test('a start is hidden with --hidden, and on macOS when the system opened the app at login', () => {
  const atLogin = (was: boolean) => () => ({ wasOpenedAtLogin: was });
  assert.equal(startsHidden(['relay-desk', '--hidden'], 'linux', atLogin(false)), true);
  assert.equal(startsHidden(['relay-desk'], 'linux', atLogin(true)), false);
  assert.equal(startsHidden(['Relay Desk'], 'darwin', atLogin(true)), true);
  assert.equal(startsHidden(['Relay Desk'], 'darwin', atLogin(false)), false);
});

test('the autostart folder follows $XDG_CONFIG_HOME, ignoring a relative or empty one as the spec says', () => {
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/home/a/.cfg' }, '/home/a'), '/home/a/.cfg/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: 'cfg' }, '/home/a'), '/home/a/.config/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '' }, '/home/a'), '/home/a/.config/autostart');
  assert.equal(autostartDir({}, '/home/a'), '/home/a/.config/autostart');
});

test('Exec arguments are quoted and escaped as the Desktop Entry Specification says, and control characters are refused', () => {
  assert.equal(execArgument('/opt/relay-desk/relay-desk'), '/opt/relay-desk/relay-desk');
  assert.equal(execArgument('/opt/Relay Desk/relay-desk'), '"/opt/Relay Desk/relay-desk"');
  // Inside quotes: \" \` \$ \\ ; then every backslash doubled for the string value.
  assert.equal(execArgument('/a "b" $c `d` \\e'), '"/a \\\\"b\\\\" \\\\$c \\\\`d\\\\` \\\\\\\\e"');
  assert.equal(execArgument('/opt/100%'), '/opt/100%%');
  assert.throws(() => execArgument('/opt/a\nb'), /control characters/);
  assert.throws(() => execArgument(''), /control characters/);
});

test('start at login is off by default, and turning it on writes an entry that desktop-file-validate accepts', async (t) => {
  const config = await tempDir(t);
  const dir = autostartDir({ XDG_CONFIG_HOME: config }, '/nonexistent');
  const item = xdgLoginItem(dir, ['/opt/Relay Desk/relay-desk', '--hidden']);
  assert.equal(await item.get(), false);
  assert.match(item.where, new RegExp(`${config}/autostart/relay-desk.desktop$`));

  // The autostart folder does not exist yet on a fresh account: it is made.
  await item.set(true);
  assert.equal(await item.get(), true);
  const file = join(dir, DESKTOP_FILE);
  const text = await readFile(file, 'utf8');
  assert.ok(text.split('\n').includes('Exec="/opt/Relay Desk/relay-desk" --hidden'), text);
  assert.deepEqual(await readdir(dir), [DESKTOP_FILE], 'no temporary file is left behind');
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  const validated = await tool(t, 'desktop-file-validate', [file], 'desktop-file-utils');
  if (validated) assert.equal(`${validated.stdout}${validated.stderr}`, '', 'no warning or error');

  await item.set(false);
  assert.equal(await item.get(), false);
  assert.deepEqual(await readdir(dir), []);
  // Turning off what is off is no error.
  await item.set(false);
});

test('GLib runs the entry with exactly the command it was given, however odd its path', async (t) => {
  const root = await tempDir(t);
  // A folder name with every character the Exec rules treat specially, and a stand-in for the app that prints its arguments.
  const appDir = join(root, 'Relay Desk $HOME "q" `b` \\x');
  await mkdir(appDir);
  const executable = join(appDir, 'relay-desk');
  await writeFile(executable, '#!/bin/sh\nprintf "%s\\n" "$0" "$@"\n');
  await chmod(executable, 0o755);
  const command = [executable, '/opt/100% app;x', '--hidden'];
  const item = xdgLoginItem(join(root, 'autostart'), command);
  await item.set(true);
  const file = join(root, 'autostart', DESKTOP_FILE);

  const validated = await tool(t, 'desktop-file-validate', [file], 'desktop-file-utils');
  if (validated) assert.equal(`${validated.stdout}${validated.stderr}`, '');
  // The launched process inherits gio's stdout, so this resolves once it has printed and exited.
  const launched = await tool(t, 'gio', ['launch', file], 'libglib2.0-bin');
  if (launched) assert.deepEqual(launched.stdout.split('\n').slice(0, -1), command);
});

test('an entry turned off in the desktop\'s startup settings reads as off, and turning it on again restores it', async (t) => {
  const dir = await tempDir(t);
  const item = xdgLoginItem(dir, ['/usr/bin/relay-desk', '--hidden']);
  const file = join(dir, DESKTOP_FILE);
  await writeFile(file, desktopEntry(['/usr/bin/relay-desk', '--hidden']).replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
  assert.equal(await item.get(), false);
  await writeFile(file, `${desktopEntry(['/usr/bin/relay-desk', '--hidden'])}Hidden=true\n`);
  assert.equal(await item.get(), false);
  await item.set(true);
  assert.equal(await item.get(), true);
});

test('at each start an entry that is on is rewritten for where the app is now; one that is off stays off', async (t) => {
  const dir = await tempDir(t);
  await xdgLoginItem(dir, ['/home/a/Old.AppImage', '--hidden']).set(true);
  await renewLoginItem(xdgLoginItem(dir, ['/home/a/New.AppImage', '--hidden']));
  assert.match(await readFile(join(dir, DESKTOP_FILE), 'utf8'), /^Exec=\/home\/a\/New\.AppImage --hidden$/m);

  const offDir = await tempDir(t);
  await renewLoginItem(xdgLoginItem(offDir, ['/home/a/New.AppImage', '--hidden']));
  assert.deepEqual(await readdir(offDir), []);
});

/** A recording stand-in for Electron's app login-item calls, keeping what was set like the system would. */
function standInApp(willLaunch = true) {
  const calls: unknown[] = [];
  let openAtLogin = false;
  const app: ElectronLoginItems = {
    getLoginItemSettings: (options?: LoginItemSettingsOptions) => {
      calls.push(['get', options]);
      return { openAtLogin, executableWillLaunchAtLogin: openAtLogin && willLaunch, wasOpenedAtLogin: false, status: 'not-registered', launchItems: [] } satisfies LoginItemSettings;
    },
    setLoginItemSettings: (settings: Settings) => {
      calls.push(['set', settings]);
      openAtLogin = settings.openAtLogin ?? false;
    },
  };
  return { app, calls };
}

test('on Windows the login item starts the app with --hidden, and one turned off in Task Manager reads as off', async () => {
  const { app, calls } = standInApp();
  const item = electronLoginItem(app, 'win32');
  assert.equal(await item.get(), false);
  await item.set(true);
  assert.equal(await item.get(), true);
  assert.deepEqual(calls, [
    ['get', { args: ['--hidden'] }],
    ['set', { openAtLogin: true, args: ['--hidden'] }],
    ['get', { args: ['--hidden'] }],
  ]);
  const disabled = standInApp(false);
  await electronLoginItem(disabled.app, 'win32').set(true);
  assert.equal(await electronLoginItem(disabled.app, 'win32').get(), false);
});

test('each platform gets its kind of login item', async (t) => {
  const { app, calls } = standInApp();
  const launch = { execPath: '/opt/Relay Desk/relay-desk', appImage: undefined, packaged: true, appPath: '/opt/Relay Desk/resources/app.asar' };
  const mac = loginItemFor({ platform: 'darwin', app, env: {}, home: '/Users/a', launch });
  await mac.set(true);
  assert.deepEqual(calls.at(-1), ['set', { openAtLogin: true, args: [] }]);
  assert.match(mac.where, /Login Items/);

  const config = await tempDir(t);
  const linux = loginItemFor({ platform: 'linux', app, env: { XDG_CONFIG_HOME: config }, home: '/home/a', launch });
  await linux.set(true);
  assert.match(await readFile(join(config, 'autostart', DESKTOP_FILE), 'utf8'), /^Exec="\/opt\/Relay Desk\/relay-desk" --hidden$/m);
  assert.equal(calls.length, 1, 'Linux does not use Electron\'s login items');
});
