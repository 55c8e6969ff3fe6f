/**
 * `relay-desk secrets migrate`: moves a data folder's vault key and admin
 * token between this user's OS keychain and the folder's key files, with
 * the host stopped (../host/secrets-migration.ts). Loaded lazily like serve:
 * it works on the folder itself, not through a running host.
 */
import { choice, COMMON_HELP, dataDirOf, parseCommand, subcommand, UsageError, type CommandGroup } from './args.js';
import { print, printJson } from './output.js';

const HELP = `Usage:
  relay-desk secrets migrate --to keychain|file

Moves the key that encrypts the data folder's passwords and private keys, and
its admin token, between this user's OS keychain and key files in the data
folder (vault.key and admin.token, readable only by the user running Relay
Desk). The vault itself (secrets.vault) is not changed: every SMTP user keeps
their password and every key stays as it is.

Stop Relay Desk first, and run this as the user that runs it. Moving to the
keychain or away from it needs it unlocked in this session.

--json: prints {"from", "to", "moved", "location"}.

${COMMON_HELP}`;

export const secretsGroup: CommandGroup = {
  name: 'secrets',
  subcommands: 'migrate',
  summary: 'move the vault key between the OS keychain and a key file',
  help: HELP,
  async run(args) {
    subcommand('secrets', args, ['migrate']);
    const { values } = parseCommand('secrets migrate', args.slice(1), { to: { type: 'string' } });
    if (values.to === undefined) throw new UsageError('secrets migrate needs --to keychain or --to file', 'secrets migrate');
    const to = choice(values.to, '--to', 'secrets migrate', ['keychain', 'file']);
    const dataDir = dataDirOf(values);
    const { migrateSecrets } = await import('../host/secrets-migration.js');
    const result = await migrateSecrets(dataDir, to);
    if (values.json) printJson(result);
    else if (result.from === to) print(`The vault key of ${dataDir} is already in ${result.location}: nothing to move.`);
    else if (result.moved.length === 0) print(`${dataDir} will keep its vault key in ${result.location}.`);
    else {
      print(
        `Moved the vault key and the admin token of ${dataDir} to ${result.location}. ` +
          'The vault (secrets.vault) is unchanged: every user keeps their password. Start Relay Desk again.',
      );
    }
    return 0;
  },
};
