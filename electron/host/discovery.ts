/**
 * How the CLI finds a running host for a data folder without the user copying
 * anything: the host writes <data>/host.json (its admin URL, readable only by
 * this OS user) while it runs, and the admin token lives in this user's
 * keychain under the installation named in <data>/settings.json. The token is
 * never written to a file.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SETTINGS_FILE } from './store/store.js';

export const HOST_FILE = 'host.json';
/** The keychain entry (in the installation's service) that holds the admin API token. */
export const ADMIN_TOKEN_KEY = 'admin-token';

const HostFileSchema = z.object({ url: z.string(), pid: z.number().int() });
export type HostFile = z.infer<typeof HostFileSchema>;

export async function writeHostFile(dataDir: string, info: HostFile): Promise<void> {
  await writeFile(join(dataDir, HOST_FILE), JSON.stringify(info), { mode: 0o600 });
}

export async function removeHostFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, HOST_FILE), { force: true });
}

export async function readHostFile(dataDir: string): Promise<HostFile | null> {
  const text = await readFile(join(dataDir, HOST_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = HostFileSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/** The installation id from the settings file, without opening the store. */
export async function readInstallationId(dataDir: string): Promise<string | null> {
  const text = await readFile(join(dataDir, SETTINGS_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = z.object({ installationId: z.string() }).safeParse(JSON.parse(text));
  return parsed.success ? parsed.data.installationId : null;
}
