/**
 * The Electron app the tests in this folder launch, as scripts/test-electron.mjs
 * found it: RELAY_DESK_ELECTRON is the executable (the packaged app's, or
 * Electron's own), RELAY_DESK_ELECTRON_APP the app folder Electron's own
 * binary is given (unset for a packaged app, which carries its app.asar).
 */
export interface ElectronApp {
  executable: string;
  /** Arguments before the app's own: the app folder for Electron's own binary, nothing for a packaged app. */
  appArgs: string[];
}

export function electronApp(): ElectronApp {
  const executable = process.env.RELAY_DESK_ELECTRON;
  if (!executable) throw new Error('RELAY_DESK_ELECTRON is not set: run these tests with `npm run test:electron`, which finds the app');
  const folder = process.env.RELAY_DESK_ELECTRON_APP;
  return { executable, appArgs: folder ? [folder] : [] };
}
