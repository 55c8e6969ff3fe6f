/** Where an installation keeps its data when no --data-dir is given. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Names the data folder for every entry (desktop app, serve, CLI) when set; --data-dir still wins. */
export const DATA_DIR_ENV = 'RELAY_DESK_DATA_DIR';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Relay Desk');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Relay Desk');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'relay-desk');
  }
}
