/** Where an installation keeps its data when no --data-dir is given. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Relay Desk');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Relay Desk');
    default:
      return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'relay-desk');
  }
}
