/**
 * Where a data folder's vault key and admin token live: the OS keychain
 * (./secrets.ts) or key files in the folder (./key-file.ts). The choice is
 * made once, at the folder's first start, and recorded in settings.json
 * (`secrets`, not secret itself), so a later start never switches silently:
 *
 * - recorded (or, for a folder from before the choice was recorded, a vault
 *   that exists: its key is in the keychain): that store, or a refusal that
 *   says why; `--secrets` naming the other store is refused too, since the
 *   key is not there — moving it is `relay-desk secrets migrate`, run while
 *   the host is stopped (./secrets-migration.ts);
 * - first start: `--secrets` if given, else the keychain if one answers, else
 *   the key file, said in the notice. A keychain that is there but does not
 *   answer in time is refused rather than passed over: it may be waiting for
 *   its password, and the file would then be a silent switch.
 */
import { join } from 'node:path';
import type { SecretStorageView } from '../api/schemas/secrets.js';
import { openKeyFile, TOKEN_FILE } from './key-file.js';
import { KeychainNoAnswerError, KeychainUnavailableError, openKeychain, type SecretStore } from './secrets.js';
import { shellQuote } from './shell-quote.js';
import type { SecretsMode } from './store/schema.js';

/**
 * How long a first start waits for a keychain to answer before refusing.
 * Without a D-Bus session the keychain fails in ~0.1 s and without a Secret
 * Service in under a second (measured here); only a service that hangs while
 * starting takes libsecret's own 25 s.
 */
export const KEYCHAIN_DETECT_MS = 5_000;

export type SecretStorageErrorCode = 'secrets_mode_mismatch' | 'keychain_unavailable' | 'keychain_no_answer';

export class SecretStorageError extends Error {
  constructor(
    readonly code: SecretStorageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretStorageError';
  }
}

export interface SecretStorageOptions {
  dataDir: string;
  installationId: string;
  /** The store recorded in the settings, if any. */
  recorded: SecretsMode | undefined;
  /** Whether the vault file exists. */
  vaultExists: boolean;
  /** `--secrets`: the store this start must use. */
  asked?: SecretsMode;
}

export interface SecretStorage {
  readonly mode: SecretsMode;
  readonly store: SecretStore;
  readonly view: SecretStorageView;
}

/** The store a data folder uses now, before this start decides: null for a folder that never chose. */
export function currentMode(recorded: SecretsMode | undefined, vaultExists: boolean): SecretsMode | null {
  // Every version before the choice was recorded kept the vault key in the keychain.
  return recorded ?? (vaultExists ? 'keychain' : null);
}

export function migrateCommand(to: SecretsMode, dataDir: string): string {
  return `relay-desk secrets migrate --to ${to} --data-dir ${shellQuote(dataDir)}`;
}

const STORE_WORDS: Record<SecretsMode, string> = { keychain: "this user's OS keychain", file: 'a key file in the data folder' };

export async function openSecretStorage(options: SecretStorageOptions): Promise<SecretStorage> {
  const { dataDir, installationId, asked } = options;
  const current = currentMode(options.recorded, options.vaultExists);
  if (asked !== undefined && current !== null && asked !== current) {
    throw new SecretStorageError(
      'secrets_mode_mismatch',
      `This data folder keeps its vault key in ${STORE_WORDS[current]}, so --secrets ${asked} would find no key for its passwords and private keys. ` +
        `To move the key, stop Relay Desk and run \`${migrateCommand(asked, dataDir)}\`, then start it again.`,
    );
  }
  const mode = current ?? asked;
  if (mode === 'file') return fileStorage(dataDir, current === 'file' ? 'this data folder was set up that way' : '--secrets file asked for it');
  if (mode === 'keychain') {
    try {
      return keychainStorage(await openKeychain(installationId));
    } catch (err) {
      if (!(err instanceof KeychainUnavailableError)) throw err;
      const next =
        current === 'keychain'
          ? `This data folder keeps its vault key in that keychain: start Relay Desk where it is unlocked (the desktop session of the user who set it up), or move the key to a file there with \`${migrateCommand('file', dataDir)}\`.`
          : 'Or start with --secrets file to keep the key in a file in the data folder.';
      throw new SecretStorageError('keychain_unavailable', `${err.message} ${next}`);
    }
  }
  try {
    return keychainStorage(await openKeychain(installationId, { answerWithinMs: KEYCHAIN_DETECT_MS }));
  } catch (err) {
    if (err instanceof KeychainNoAnswerError) {
      throw new SecretStorageError(
        'keychain_no_answer',
        `${err.message} Unlock it and start again, or start with --secrets file to keep the key in a file in the data folder instead.`,
      );
    }
    if (err instanceof KeychainUnavailableError) return fileStorage(dataDir, `no OS keychain could be reached (${err.reason})`);
    throw err;
  }
}

function keychainStorage(store: SecretStore): SecretStorage {
  return { mode: 'keychain', store, view: { kind: 'keychain', location: STORE_WORDS.keychain, notice: null } };
}

async function fileStorage(dataDir: string, because: string): Promise<SecretStorage> {
  const store = await openKeyFile(dataDir);
  const notice =
    `Relay Desk keeps the key that encrypts its passwords and private keys in ${store.where}, not in an OS keychain: ${because}. ` +
    `The key and the admin token beside it (${join(dataDir, TOKEN_FILE)}) are readable only by the user running Relay Desk; ` +
    'anyone who can read the data folder as that user, or a copy of it, can read those secrets. ' +
    `To keep the key in a keychain instead, stop Relay Desk and run \`${migrateCommand('keychain', dataDir)}\` where a keychain is unlocked.`;
  return { mode: 'file', store, view: { kind: 'file', location: store.where, notice } };
}
