/**
 * Start at login, off until the admin turns it on. On Linux an XDG autostart
 * entry (a .desktop file in $XDG_CONFIG_HOME/autostart, which every desktop
 * session runs at login), written and removed atomically; on Windows and
 * macOS the login item Electron keeps with the system. Either way the app
 * starts with --hidden: to the tray, with no window.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { App, LoginItemSettings } from 'electron';
import type { LoginItem } from '../host/services/app.js';
import { writeWhole } from '../host/jsonl-file.js';
import { errnoCode } from '../../relay/shared/errors.js';

/** Start to the tray, with no window. */
export const HIDDEN_FLAG = '--hidden';
export const DESKTOP_FILE = 'relay-desk.desktop';

export interface LaunchFacts {
  /** process.execPath: the app's executable (Electron itself when run from a checkout). */
  execPath: string;
  /** $APPIMAGE: the AppImage file the admin keeps; execPath is inside its temporary mount. */
  appImage: string | undefined;
  /** app.isPackaged; a checkout is started as `electron <appPath>`. */
  packaged: boolean;
  appPath: string;
}

/** The command line that starts this same app to the tray. */
export function launchCommand(facts: LaunchFacts): string[] {
  if (!facts.packaged) return [facts.execPath, facts.appPath, HIDDEN_FLAG];
  return [facts.appImage || facts.execPath, HIDDEN_FLAG];
}

/** Whether this start is one with no window: asked for by --hidden, or (macOS, which passes no arguments) opened at login. */
export function startsHidden(argv: readonly string[], platform: NodeJS.Platform, loginSettings: () => Pick<LoginItemSettings, 'wasOpenedAtLogin'>): boolean {
  return argv.includes(HIDDEN_FLAG) || (platform === 'darwin' && loginSettings().wasOpenedAtLogin);
}

/** $XDG_CONFIG_HOME/autostart; the spec ignores a relative $XDG_CONFIG_HOME, as it does an empty one. */
export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME;
  return join(configHome && isAbsolute(configHome) ? configHome : join(home, '.config'), 'autostart');
}

/** Characters that make an Exec argument need quotes (Desktop Entry Specification, "The Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument: quoted where needed, `"`, `` ` ``, `$` and `\` escaped
 * inside the quotes, `%` doubled (field codes), and then, as for every
 * string value, each backslash escaped again.
 */
export function execArgument(arg: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (arg === '' || /[\x00-\x1f\x7f]/.test(arg)) throw new Error(`cannot start Relay Desk at login from a path with control characters: ${JSON.stringify(arg)}`);
  const quoted = RESERVED.test(arg) ? `"${arg.replace(/["`$\\]/g, '\\$&')}"` : arg;
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Relay Desk',
    "Comment=Keeps the office's SMTP relay running in the tray",
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Whether an autostart entry is on: a session skips it when it is Hidden or turned off in GNOME's Startup Applications. */
function entryEnabled(text: string): boolean {
  const keys = new Map<string, string>();
  let inEntry = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('[')) inEntry = line.trim() === '[Desktop Entry]';
    const match = inEntry ? /^([A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line) : null;
    if (match?.[1] && match[2] !== undefined) keys.set(match[1], match[2].trim());
  }
  return keys.get('Hidden') !== 'true' && keys.get('X-GNOME-Autostart-enabled') !== 'false';
}

export function xdgLoginItem(dir: string, command: readonly string[]): LoginItem {
  const file = join(dir, DESKTOP_FILE);
  return {
    where: `the autostart entry ${file}`,
    async get() {
      const text = await readFile(file, 'utf8').catch((err: unknown) => {
        if (errnoCode(err) === 'ENOENT') return null;
        throw err;
      });
      return text !== null && entryEnabled(text);
    },
    async set(enabled) {
      if (!enabled) return rm(file, { force: true });
      await mkdir(dir, { recursive: true });
      await writeWhole(file, desktopEntry(command));
    },
  };
}

export type ElectronLoginItems = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

/** Windows starts the app with --hidden; macOS passes no arguments, and says at launch that it opened the app at login. */
export function electronLoginItem(app: ElectronLoginItems, platform: 'win32' | 'darwin'): LoginItem {
  const args = platform === 'win32' ? [HIDDEN_FLAG] : [];
  return {
    where: platform === 'win32' ? 'Startup apps in Windows Settings' : 'Login Items in System Settings, General',
    get() {
      const settings = app.getLoginItemSettings({ args });
      // Windows: turned off in Task Manager's Startup apps, the entry stays but does not run.
      return Promise.resolve(settings.openAtLogin && (platform !== 'win32' || settings.executableWillLaunchAtLogin));
    },
    set(enabled) {
      app.setLoginItemSettings({ openAtLogin: enabled, args });
      return Promise.resolve();
    },
  };
}

export interface LoginItemContext {
  platform: NodeJS.Platform;
  app: ElectronLoginItems;
  env: NodeJS.ProcessEnv;
  home: string;
  launch: LaunchFacts;
}

export function loginItemFor({ platform, app, env, home, launch }: LoginItemContext): LoginItem {
  if (platform === 'win32' || platform === 'darwin') return electronLoginItem(app, platform);
  return xdgLoginItem(autostartDir(env, home), launchCommand(launch));
}

/** At each start: an entry that is on is written again, so it follows the app when it moved (a new AppImage, say). */
export async function renewLoginItem(item: LoginItem): Promise<void> {
  if (await item.get()) await item.set(true);
}
