/**
 * The Electron shell: one window onto the host, with the relay as a utility
 * process. Everything with logic lives in host/ and runs in plain Node too;
 * this file only wires Electron to it and applies the security checklist.
 */
import { app, BrowserWindow, dialog, net, protocol, session, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from './api/dispatcher.js';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { createHost, type Host } from './host/host.js';
import { defaultDataDir } from './host/paths.js';
import { launchWithUtilityProcess } from './host/relay-process-electron.js';
import { denyAllPermissions, windowOptions } from './security.js';
import { registerIpcTransport } from './transport/ipc.js';
import { errorMessage } from '../relay/shared/errors.js';

const RENDERER_DIR = fileURLToPath(new URL('../renderer', import.meta.url));
const PRELOAD_PATH = fileURLToPath(new URL('preload.cjs', import.meta.url));

if (!app.requestSingleInstanceLock()) {
  // Two hosts would fight over the data folder and the SMTP ports.
  app.quit();
} else {
  // Both must happen before 'ready', so not after any await.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  app.enableSandbox();
  runShell();
}

function runShell(): void {
  let host: Host | null = null;
  let window: BrowserWindow | null = null;

  // Every web contents, including any the page might try to open: no new
  // windows, no navigation away from the app (so no openExternal either).
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
  });

  const createWindow = (running: Host) => {
    const win = new BrowserWindow(windowOptions(PRELOAD_PATH));
    window = win;
    const dispatch = createDispatcher(running.api, (err) => running.logs.host.error('internal error:', err), running.internalErrorMessage);
    const disposeIpc = registerIpcTransport({ dispatch, events: running.events, window: win });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      disposeIpc();
      window = null;
    });
    win.loadURL(APP_ENTRY_URL).catch((err: unknown) => running.logs.host.error('the admin UI did not load:', err));
  };

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  let stopped = false;
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopped || !host) return;
    // Quit only once the relay has closed its listeners and spool.
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    host
      .stop()
      .catch((err: unknown) => host?.logs.host.error('the relay did not stop cleanly:', err))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });

  // macOS apps stay running without windows; the relay keeps relaying.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!window && host) createWindow(host);
  });

  app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession);
      protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR, (url) => net.fetch(url)));
      // The same folder `relay-desk serve` uses, so both see one installation.
      const running = await createHost({
        dataDir: defaultDataDir(),
        launch: launchWithUtilityProcess,
        logsDir: app.getPath('logs'),
        openFolder: (path) => shell.openPath(path),
      });
      host = running;
      if (running.tightened) running.logs.host.warn(running.tightened);
      if (running.secretStorage.notice) running.logs.host.info(running.secretStorage.notice);
      await running.start();
      createWindow(running);
    })
    .catch((err: unknown) => {
      dialog.showErrorBox('Relay Desk could not start', errorMessage(err));
      app.quit();
    });
}
