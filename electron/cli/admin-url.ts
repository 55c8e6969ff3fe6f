/**
 * `relay-desk admin-url`: the admin page's address with its sign-in token,
 * for the person at this computer. `serve` prints it only to a terminal, so
 * that it never lands in a log; this is how to get it otherwise.
 */
import { dataDirOf, parseCommand, type CommandGroup } from './args.js';
import { locateHost } from './connect.js';
import { print, printJson } from './output.js';

const HELP = `Usage: relay-desk admin-url [--data-dir DIR] [--json]

Prints the address of the admin page of the Relay Desk running for the data
folder, with its sign-in token. Open it in a browser on this computer. Treat
it like a password: anyone who has it can change the relay's settings.
`;

export const adminUrlGroup: CommandGroup = {
  name: 'admin-url',
  subcommands: '',
  summary: 'the admin page address, signed in',
  help: HELP,
  async run(args) {
    const { values } = parseCommand('admin-url', args, {});
    const { base, token } = await locateHost(dataDirOf(values));
    const url = `${base.origin}/#token=${token}`;
    if (values.json) printJson({ url });
    else print(url);
    return 0;
  },
};
