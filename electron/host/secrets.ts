/**
 * Secrets in the OS keychain (keytar), behind three functions so another
 * keychain library could replace keytar in this one file. Entries are
 * namespaced per installation, so two data folders never share or overwrite
 * each other's secrets. There is no fallback to a file: without a keychain
 * the host refuses to start and says how to get one.
 */
import keytar from 'keytar';

export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Every entry of this installation, in one keychain query. */
  all(): Promise<Map<string, string>>;
}

export class KeychainUnavailableError extends Error {
  constructor(cause: string) {
    super(
      `No OS keychain is available (${cause}). Relay Desk keeps passwords and keys only in the system keychain. ` +
        (process.platform === 'linux'
          ? 'On Linux, install gnome-keyring (or another Secret Service such as KeePassXC) and run Relay Desk in a desktop session with the keyring unlocked.'
          : 'Make sure the system keychain is unlocked for this user.'),
    );
    this.name = 'KeychainUnavailableError';
  }
}

export function serviceName(installationId: string): string {
  return `Relay Desk (${installationId})`;
}

export async function openKeychain(installationId: string): Promise<SecretStore> {
  const service = serviceName(installationId);
  const store: SecretStore = {
    get: (key) => keytar.getPassword(service, key),
    set: (key, value) => keytar.setPassword(service, key, value),
    delete: (key) => keytar.deletePassword(service, key),
    all: async () => new Map((await keytar.findCredentials(service)).map((c) => [c.account, c.password])),
  };
  try {
    await store.set('probe', 'ok');
    if ((await store.get('probe')) !== 'ok') throw new Error('a value written could not be read back');
    await store.delete('probe');
  } catch (err) {
    throw new KeychainUnavailableError(err instanceof Error ? err.message : String(err));
  }
  return store;
}
