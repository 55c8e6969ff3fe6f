/**
 * The Electron shell: a window onto the host, a tray icon, desktop
 * notifications and start at login, with the relay as a utility process.
 * What has logic lives in host/ and shell/ and runs in plain Node too; this
 * file only wires Electron to it and applies the security checklist.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, net, Notification, protocol, session, shell } from 'electron';
import { createDispatcher } from './api/dispatcher.js';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { createHost, type Host } from './host/host.js';
import { openableInBrowser } from './host/oauth/browser-sign-in.js';
import { RELAY_LOG } from './host/logs.js';
import { defaultDataDir } from './host/paths.js';
import { launchAhead } from './host/relay-ahead.js';
import { launchWithUtilityProcess } from './host/relay-process-electron.js';
import type { LaunchRelay } from './host/relay-process.js';
import type { LoginItem } from './host/services/app.js';
import { denyAllPermissions, windowOptions } from './security.js';
import { AppLifecycle } from './shell/app-lifecycle.js';
import { onHostEvent } from './shell/host-events.js';
import { loginItemFor, renewLoginItem, startsHidden } from './shell/login-item.js';
import { markerFile } from './shell/marker-file.js';
import { DesktopNotifier, type Notice } from './shell/notifications.js';
import { createTray } from './tray.js';
import { registerIpcTransport } from './transport/ipc.js';
import { errorMessage } from '../relay/shared/errors.js';

const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('preload.cjs', import.meta.url));
/** In the data folder: the closed-to-tray notice was shown once. */
const TRAY_NOTICE_FILE = 'tray-notice-shown';

if (!app.requestSingleInstanceLock()) {
  // Two hosts would fight over the data folder and the SMTP ports; the first one gets 'second-instance'.
  app.quit();
} else {
  // Both must happen before 'ready', so not after any await.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();
  runShell();
}

function runShell(): void {
  // The same folder `relay-desk serve` uses, so both see one installation.
  const dataDir = defaultDataDir();
  const loginItem = loginItemFor({
    platform: process.platform,
    app,
    env: process.env,
    home: homedir(),
    launch: { execPath: process.execPath, appImage: process.env.APPIMAGE, packaged: app.isPackaged, appPath: app.getAppPath() },
  });
  let notifier: DesktopNotifier | null = null;
  const failed = (err: unknown) => {
    dialog.showErrorBox('Relay Desk could not start', errorMessage(err));
    app.quit();
  };

  const lifecycle: AppLifecycle<Host> = new AppLifecycle<Host>({
    hidden: startsHidden(process.argv, process.platform, () => app.getLoginItemSettings()),
    startHost: async () => {
      const host = await startHost(dataDir, loginItem);
      const notices = new DesktopNotifier({
        show: (notice) => showNotice(notice, () => lifecycle.showWindow()),
        platform: process.platform,
        relayLog: join(host.logs.dir, RELAY_LOG),
        closedToTrayNotice: markerFile(join(dataDir, TRAY_NOTICE_FILE)),
      });
      onHostEvent(host.events, 'relay.state', (state) => notices.relayState(state));
      // The alert center's desktop channel: its own rules, anti-storm window and digests already applied.
      // The relay going down and ports it could not open are the notices above, not said twice.
      onHostEvent(host.events, 'alert.raised', (alert) => {
        if (alert.kind !== 'relay-down') showNotice({ title: `Relay Desk: ${alert.title}`, body: alert.body }, () => lifecycle.showWindow());
      });
      notifier = notices;
      await createTray(host, { open: () => lifecycle.showWindow(), quit: () => app.quit() });
      return host;
    },
    stopHost: (host) => {
      notifier?.dispose();
      return host.stop().catch((err: unknown) => host.logs.host.error('the relay did not stop cleanly:', err));
    },
    createWindow,
    closedToTray: () => void notifier?.closedToTray(),
    quit: () => app.quit(),
    failed,
    stopFailed: (err) => console.error('Relay Desk did not stop cleanly:', errorMessage(err)),
  });

  // Every web contents, including any the page might try to open: no new
  // windows, no navigation away from the app (so no openExternal either).
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
  });
  app.on('second-instance', () => lifecycle.showWindow());
  app.on('activate', () => lifecycle.showWindow());
  app.on('before-quit', (event) => lifecycle.beforeQuit(event));
  // Listening is what keeps Electron from quitting: the relay goes on in the tray.
  app.on('window-all-closed', () => undefined);

  app
    .whenReady()
    .then(() => {
      denyAllPermissions(session.defaultSession);
      protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR, (url) => net.fetch(url)));
      return lifecycle.start();
    })
    .catch(failed);
}

async function startHost(dataDir: string, loginItem: LoginItem): Promise<Host> {
  // The relay starts while the host reads its settings (host/relay-ahead.ts);
  // if the host does not get as far as taking it over, it is ended.
  const relay = launchAhead(launchWithUtilityProcess);
  try {
    return await createAndStartHost(dataDir, loginItem, relay.launch);
  } finally {
    relay.discard();
  }
}

async function createAndStartHost(dataDir: string, loginItem: LoginItem, launch: LaunchRelay): Promise<Host> {
  const host = await createHost({
    dataDir,
    launch,
    logsDir: app.getPath('logs'),
    openFolder: (path) => shell.openPath(path),
    // The OAuth sign-in's address, and nothing that is not a web page (a file, another app's scheme).
    openExternal: (url) => (openableInBrowser(url) ? shell.openExternal(url) : Promise.reject(new Error(`not a web address: ${url}`))),
    loginItem,
  });
  if (host.tightened) host.logs.host.warn(host.tightened);
  if (host.secretStorage.notice) host.logs.host.info(host.secretStorage.notice);
  await renewLoginItem(loginItem).catch((err: unknown) => host.logs.host.error('the start-at-login entry could not be renewed:', err));
  try {
    await host.start();
  } catch (err) {
    await host.stop().catch(() => undefined);
    throw err;
  }
  return host;
}

function createWindow(host: Host): BrowserWindow {
  const window = new BrowserWindow(windowOptions(PRELOAD_PATH));
  const dispatch = createDispatcher(host.api, (err) => host.logs.host.error('internal error:', err), host.internalErrorMessage);
  const disposeIpc = registerIpcTransport({ dispatch, events: host.events, window });
  window.once('ready-to-show', () => window.show());
  window.once('closed', disposeIpc);
  window.loadURL(APP_ENTRY_URL).catch((err: unknown) => host.logs.host.error('the admin UI did not load:', err));
  return window;
}

function showNotice(notice: Notice, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification(notice);
  notification.on('click', onClick);
  notification.show();
}
