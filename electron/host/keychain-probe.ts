/**
 * Run as a child process by ./secrets.ts to find out, within a time limit,
 * whether the keychain answers: exits 0 when a value written could be read
 * back, 1 with the reason on standard output when not.
 */
import { KeychainUnavailableError, openKeychain } from './secrets.js';

// Last: a utility process may put its own arguments before the ones it was given.
openKeychain(process.argv.at(-1) ?? 'probe').then(
  () => undefined,
  (err: unknown) => {
    process.stdout.write(err instanceof KeychainUnavailableError ? err.reason : String(err));
    process.exitCode = 1;
  },
);
