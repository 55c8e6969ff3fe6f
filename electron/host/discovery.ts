/**
 * How the CLI finds a running host for a data folder without the user copying
 * anything: the host writes <data>/host.json (its admin URL, readable only by
 * this OS user) while it runs, and the admin token lives in this user's
 * keychain under the installation named in <data>/settings.json, or, for a
 * folder that keeps its secrets in files (./secret-storage.ts), in
 * <data>/admin.token beside the vault key.
 */
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { openKeyFile } from './key-file.js';
import { readKeychainEntry } from './secrets.js';
import { currentMode, type SecretStorage } from './secret-storage.js';
import { SECRETS_MODES } from './store/schema.js';
import { SETTINGS_FILE } from './store/store.js';
import { VAULT_FILE } from './vault.js';
import { errnoCode } from '../../relay/shared/errors.js';

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

/** The host that wrote host.json, if it still runs (and so may be using the folder). */
export async function runningHost(dataDir: string): Promise<HostFile | null> {
  // A torn or hand-edited host.json is as good as none: the host rewrites it when it starts.
  const host = await readHostFile(dataDir).catch(() => null);
  // A host that crashed leaves its host.json behind; a dead pid means nothing answers there.
  return host && isAlive(host.pid) ? host : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else; the connection attempt will tell.
    return errnoCode(err) === 'EPERM';
  }
}

export async function readHostFile(dataDir: string): Promise<HostFile | null> {
  const text = await readFile(join(dataDir, HOST_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  const parsed = HostFileSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

const SettingsHeadSchema = z.object({ installationId: z.string(), secrets: z.enum(SECRETS_MODES).optional() });
export type SettingsHead = z.infer<typeof SettingsHeadSchema>;

/** The installation id and the recorded secret store, from the settings file without opening the store. */
export async function readSettingsHead(dataDir: string): Promise<SettingsHead | null> {
  const text = await readFile(join(dataDir, SETTINGS_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = SettingsHeadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The installation id from the settings file, without opening the store. */
export async function readInstallationId(dataDir: string): Promise<string | null> {
  return (await readSettingsHead(dataDir))?.installationId ?? null;
}

export async function vaultExists(dataDir: string): Promise<boolean> {
  return access(join(dataDir, VAULT_FILE)).then(
    () => true,
    () => false,
  );
}

/**
 * The admin token of the installation in `dataDir` and where it was looked
 * for, from wherever the folder keeps its secrets; null token when there is
 * none there. A keychain that cannot be reached throws KeychainUnavailableError.
 */
export async function readAdminToken(head: SettingsHead, dataDir: string): Promise<{ token: string | null; where: SecretStorage['mode'] }> {
  const mode = currentMode(head.secrets, await vaultExists(dataDir)) ?? 'keychain';
  if (mode === 'file') return { token: await (await openKeyFile(dataDir)).get(ADMIN_TOKEN_KEY), where: mode };
  return { token: await readKeychainEntry(head.installationId, ADMIN_TOKEN_KEY), where: mode };
}
