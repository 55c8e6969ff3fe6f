/**
 * The data folder is private to the user running Relay Desk: the settings
 * name every SMTP user, sender and device, the vault and spool hold what a
 * local user must not read. A folder made by Relay Desk is 0700 from the
 * start; one that already existed with a looser mode (made by hand, copied,
 * restored from a backup) is tightened at start, and the files the host and
 * its relay write from then on are private through the process umask.
 * Windows keeps access in ACLs, which the user's profile folder already
 * restricts: modes are not applied there.
 */
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const PRIVATE_FOLDER = 0o700;
const PRIVATE_FILE = 0o600;
/** Names listed in the notice; the rest are counted. */
const MAX_NAMED = 6;
/** Bits that let group or others in. */
const SHARED_BITS = 0o077;

export interface Tightened {
  /** The folder itself, or a name inside it. */
  path: string;
  /** The mode it had, e.g. 0o755. */
  was: number;
}

/**
 * Creates the folder or tightens it and what lies directly in it (a
 * subfolder's contents are out of reach once the subfolder is private).
 * Returns what had to change, for the one line that says so.
 */
export async function prepareDataFolder(dir: string): Promise<Tightened[]> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_FOLDER });
  if (process.platform === 'win32') return [];
  process.umask(SHARED_BITS);
  const tightened: Tightened[] = [];
  const tighten = async (path: string, isFolder: boolean): Promise<void> => {
    const { mode } = await lstat(path);
    if ((mode & SHARED_BITS) === 0) return;
    await chmod(path, isFolder ? PRIVATE_FOLDER : PRIVATE_FILE);
    tightened.push({ path, was: mode & 0o777 });
  };
  await tighten(dir, true);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // A symbolic link's own mode means nothing, and chmod would follow it out of the folder.
    if (entry.isDirectory()) await tighten(join(dir, entry.name), true);
    else if (entry.isFile()) await tighten(join(dir, entry.name), false);
  }
  return tightened;
}

export function describeTightened(dir: string, tightened: Tightened[]): string | null {
  if (tightened.length === 0) return null;
  const modes = tightened
    .slice(0, MAX_NAMED)
    .map((t) => `${t.path === dir ? 'the folder' : t.path.slice(dir.length + 1)} was ${t.was.toString(8).padStart(4, '0')}`);
  if (tightened.length > MAX_NAMED) modes.push(`${tightened.length - MAX_NAMED} more`);
  return `Relay Desk made its data folder ${dir} private to this user: other users of this computer could read it (${modes.join(', ')}). Folders are now 0700 and files 0600.`;
}
