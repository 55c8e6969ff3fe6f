/**
 * Secrets in the OS keychain (keytar), behind three functions so another
 * keychain library could replace keytar in this one file. Entries are
 * namespaced per installation, so two data folders never share or overwrite
 * each other's secrets. A machine with no keychain keeps the same entries in
 * files instead (./key-file.ts); ./secret-storage.ts decides which.
 */
import { fileURLToPath } from 'node:url';
import { oneLineErrorMessage } from '../../relay/shared/errors.js';
import { scriptRunner } from './child-runtime.js';

/** ./keychain-probe.ts, built beside this file. */
const PROBE_ENTRY = fileURLToPath(new URL('keychain-probe.js', import.meta.url));

export interface SecretStore {
  /** Where the entries are, in plain words for messages: "this user's keychain", "the key file /srv/relay/vault.key". */
  readonly where: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Every entry of this installation, in one query. */
  all(): Promise<Map<string, string>>;
}

export const KEYCHAIN_WHERE = "this user's keychain";

/** The keychain cannot be reached: no Secret Service, no D-Bus session, or its library cannot load. */
export class KeychainUnavailableError extends Error {
  readonly code = 'keychain_unavailable';

  constructor(readonly reason: string) {
    super(
      `No OS keychain is available (${reason}). ` +
        (process.platform === 'linux'
          ? 'On Linux, install gnome-keyring (or another Secret Service such as KeePassXC) and run Relay Desk in a desktop session with the keyring unlocked.'
          : 'Make sure the system keychain is unlocked for this user.'),
    );
    this.name = 'KeychainUnavailableError';
  }
}

/** A keychain that is there but did not answer in time (a D-Bus activation that hangs, a prompt no one answers). */
export class KeychainNoAnswerError extends Error {
  readonly code = 'keychain_no_answer';

  constructor(readonly waitedMs: number) {
    super(`The OS keychain did not answer within ${waitedMs / 1000} s (it may be locked and waiting for its password, or its service may be failing to start).`);
    this.name = 'KeychainNoAnswerError';
  }
}

export function serviceName(installationId: string): string {
  return `Relay Desk (${installationId})`;
}

type Keytar = typeof import('keytar');

/** keytar's native module links libsecret, which a server without a desktop may not have: loaded only when a keychain is wanted. */
async function loadKeytar(): Promise<Keytar> {
  try {
    return (await import('keytar')).default;
  } catch (err) {
    throw new KeychainUnavailableError(`its library could not be loaded: ${oneLineErrorMessage(err)}`);
  }
}

export interface OpenKeychainOptions {
  /**
   * Give up on a keychain that has not answered after this long. Without it
   * the keychain may take as long as it needs (an unlock prompt the user is
   * typing into); libsecret itself gives up on a D-Bus activation after 25 s.
   */
  answerWithinMs?: number;
}

/** Opens the installation's entries in the keychain, after checking that a value written can be read back. */
export async function openKeychain(installationId: string, options: OpenKeychainOptions = {}): Promise<SecretStore> {
  if (options.answerWithinMs !== undefined) await probeApart(installationId, options.answerWithinMs);
  const keytar = await loadKeytar();
  const service = serviceName(installationId);
  const store: SecretStore = {
    where: KEYCHAIN_WHERE,
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
    throw new KeychainUnavailableError(oneLineErrorMessage(err));
  }
  return store;
}

/**
 * The same check in a child process, killed if it has not answered in time.
 * In this process a libsecret call that hangs would hold a thread of the
 * pool, and Node waits for those threads even to exit.
 */
async function probeApart(installationId: string, ms: number): Promise<void> {
  const runScript = await scriptRunner();
  const result = await runScript(PROBE_ENTRY, [installationId], ms).catch((err: unknown) => {
    throw new KeychainUnavailableError(`its check could not start: ${oneLineErrorMessage(err)}`);
  });
  if (result.timedOut) throw new KeychainNoAnswerError(ms);
  if (result.code !== 0) throw new KeychainUnavailableError(result.stdout.trim() || `its check ended with exit code ${String(result.code)}`);
}

/** The keychain's own entry for a key, without the write probe: for readers such as the CLI. */
export async function readKeychainEntry(installationId: string, key: string): Promise<string | null> {
  const keytar = await loadKeytar();
  try {
    return await keytar.getPassword(serviceName(installationId), key);
  } catch (err) {
    throw new KeychainUnavailableError(oneLineErrorMessage(err));
  }
}

