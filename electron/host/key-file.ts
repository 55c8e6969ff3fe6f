/**
 * What the keychain would hold, kept in files of the data folder for a
 * machine with no OS keychain (a server with no desktop session): the vault
 * key in vault.key and the admin token in admin.token, each readable only by
 * the user running Relay Desk (0600 in a 0700 folder, ./data-folder.ts).
 * The token sits beside the key rather than inside the vault so that the CLI,
 * run as that user over SSH, can read it even when the key itself comes from
 * a systemd credential: LoadCredential= or LoadCredentialEncrypted= in the
 * unit hands the service (and only the service) $CREDENTIALS_DIRECTORY/vault-key,
 * and that copy then replaces vault.key, which need not exist at all.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWhole } from './jsonl-file.js';
import type { SecretStore } from './secrets.js';
import { errnoCode } from '../../relay/shared/errors.js';

export const KEY_FILE = 'vault.key';
export const TOKEN_FILE = 'admin.token';
/** The credential name a systemd unit loads the vault key under. */
export const KEY_CREDENTIAL = 'vault-key';

/** The entries the host keeps (the vault key and the admin token) and the file of each. */
const FILE_OF: Readonly<Record<string, string>> = { 'vault-key': KEY_FILE, 'admin-token': TOKEN_FILE };

/** The systemd credential holding the vault key, when this process was started with one. */
export function keyCredentialPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.CREDENTIALS_DIRECTORY;
  return dir ? join(dir, KEY_CREDENTIAL) : null;
}

async function readTrimmed(path: string): Promise<string | null> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  });
  return text === null ? null : text.trim();
}

/**
 * The key file store of a data folder. With a systemd credential present,
 * the vault key is read from it and never written to the folder.
 */
export async function openKeyFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<SecretStore> {
  const credential = keyCredentialPath(env);
  const fromCredential = credential !== null && (await readTrimmed(credential)) !== null;
  const pathOf = (key: string): string => {
    const file = FILE_OF[key];
    if (file === undefined) throw new Error(`the key file store keeps no entry named ${key}`);
    return key === 'vault-key' && fromCredential && credential ? credential : join(dataDir, file);
  };
  const store: SecretStore = {
    where: fromCredential ? `the systemd credential ${KEY_CREDENTIAL}` : `the key file ${join(dataDir, KEY_FILE)}`,
    get: (key) => readTrimmed(pathOf(key)),
    async set(key, value) {
      if (key === 'vault-key' && fromCredential) throw new Error(`the vault key comes from the systemd credential ${KEY_CREDENTIAL} and cannot be replaced from here`);
      await writeWhole(pathOf(key), `${value}\n`);
    },
    async delete(key) {
      const path = pathOf(key);
      const existed = (await readTrimmed(path)) !== null;
      if (existed) await rm(path);
      return existed;
    },
    async all() {
      const entries = new Map<string, string>();
      for (const key of Object.keys(FILE_OF)) {
        const value = await store.get(key);
        if (value !== null) entries.set(key, value);
      }
      return entries;
    },
  };
  return store;
}
