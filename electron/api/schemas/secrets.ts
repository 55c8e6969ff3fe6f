/** Where the key that encrypts the host's passwords and private keys is kept, for the Status screen and the CLI. */
import { z } from 'zod';
import { NoInput } from './common.js';

export const SecretStorageViewSchema = z.object({
  /** The OS keychain, or a key file in the data folder (a machine with no keychain). */
  kind: z.enum(['keychain', 'file']),
  /** Where the key is, in plain words: "this user's keychain", "the key file /var/lib/relay-desk/vault.key". */
  location: z.string(),
  /** For a key file: what is kept where, why, and how to move it to a keychain; null for a keychain. */
  notice: z.string().nullable(),
});
export type SecretStorageView = z.infer<typeof SecretStorageViewSchema>;

export const secretsMethods = {
  'secrets.storage': { input: NoInput, output: SecretStorageViewSchema },
} as const;
