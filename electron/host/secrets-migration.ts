/**
 * `relay-desk secrets migrate`: moves a data folder's vault key and admin
 * token between the OS keychain and its key files, while the host is
 * stopped (a running host would write its own choice back into the
 * settings). The vault is not touched: its entries stay encrypted with the
 * same key, which only changes where it is kept. Order, so that a crash at
 * any step leaves a folder that starts: check the key opens the vault, copy
 * it to the new store and read it back, record the new store in the
 * settings, and only then delete the old copy.
 */
import { ADMIN_TOKEN_KEY, readSettingsHead, runningHost, vaultExists } from './discovery.js';
import { openKeyFile } from './key-file.js';
import { openKeychain, type SecretStore } from './secrets.js';
import { currentMode } from './secret-storage.js';
import type { SecretsMode } from './store/schema.js';
import { Store, StoreOpenError } from './store/store.js';
import { checkVaultKey, VAULT_KEY } from './vault.js';

/** What the store holds for a data folder: the vault key and the admin token. */
const ENTRIES = [VAULT_KEY, ADMIN_TOKEN_KEY] as const;

export class MigrationError extends Error {
  constructor(
    readonly code: 'not_a_data_folder' | 'host_running' | 'copy_failed',
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface MigrationResult {
  /** null for a folder that never finished a start: nothing to move, only the choice to record. */
  from: SecretsMode | null;
  to: SecretsMode;
  /** The entries moved (none when the folder already used `to`). */
  moved: string[];
  /** Where they are now, in plain words. */
  location: string;
}

async function openStore(mode: SecretsMode, dataDir: string, installationId: string): Promise<SecretStore> {
  // No timeout: this is a command someone runs by hand, and an unlock prompt may be waiting for them.
  return mode === 'keychain' ? openKeychain(installationId) : openKeyFile(dataDir);
}

export async function migrateSecrets(dataDir: string, to: SecretsMode): Promise<MigrationResult> {
  const head = await readSettingsHead(dataDir);
  if (!head) throw new MigrationError('not_a_data_folder', `${dataDir} has no readable settings.json: is it a Relay Desk data folder?`);
  const running = await runningHost(dataDir);
  if (running) {
    throw new MigrationError(
      'host_running',
      `Relay Desk is running for ${dataDir} (process ${running.pid}): stop it first (Ctrl-C, or \`systemctl stop relay-desk\` for the system service), then move the key.`,
    );
  }
  const from = currentMode(head.secrets, await vaultExists(dataDir));
  const target = await openStore(to, dataDir, head.installationId);
  if (from === to) return { from, to, moved: [], location: target.where };

  const moving = new Map<string, string>();
  const source = from === null ? null : await openStore(from, dataDir, head.installationId);
  if (source) {
    for (const name of ENTRIES) {
      const value = await source.get(name);
      if (value !== null) moving.set(name, value);
    }
    await checkVaultKey(dataDir, moving.get(VAULT_KEY) ?? null, source);
  }
  for (const [name, value] of moving) {
    await target.set(name, value);
    if ((await target.get(name)) !== value) throw new MigrationError('copy_failed', `${target.where} did not keep the ${name} written to it; nothing was moved.`);
  }
  await recordChoice(dataDir, to);
  if (source) for (const name of moving.keys()) await source.delete(name);
  return { from, to, moved: [...moving.keys()], location: target.where };
}

async function recordChoice(dataDir: string, to: SecretsMode): Promise<void> {
  const store = await Store.open(dataDir, () => {
    throw new StoreOpenError(`${dataDir} lost its settings while the key was being moved.`);
  });
  await store.update((draft) => void (draft.secrets = to));
}
