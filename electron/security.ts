/**
 * The hardening that both ways of showing the UI share: the content security
 * policy, the BrowserWindow options and the session's permission policy from
 * Electron's security checklist. Kept as plain data and functions over a
 * narrow interface, so a unit test can assert them without Electron.
 */
import type { BrowserWindowConstructorOptions, Session } from 'electron';

/** Scripts only from the app itself; emotion (MUI) injects style elements at run time. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function windowOptions(preloadPath: string) {
  return {
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Relay Desk',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  } as const satisfies BrowserWindowConstructorOptions;
}

/**
 * The admin page needs no browser permission (camera, notifications,
 * clipboard, geolocation, ...): every request is refused, and every check
 * says no, so an API that only asks whether it may (and never requests) is
 * refused too.
 */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
