/** `relay-desk list`: the lists SMTP users belong to (a fresh install has "SMTP+"). */
import { COMMON_HELP, dataDirOf, parseCommand, subcommand, type CommandGroup } from './args.js';
import { connect } from './connect.js';
import { print, printJson, table, when } from './output.js';

const HELP = `Usage:
  relay-desk list add NAME    create a list (users are put in one with: relay-desk user add --list NAME)
  relay-desk list ls          show the lists and how many users each has

--json: "list add" prints the new list, "list ls" prints {"lists": [...]} as the API returns them.

${COMMON_HELP}`;

export const listsGroup: CommandGroup = {
  name: 'list',
  subcommands: 'add|ls',
  summary: 'lists that SMTP users belong to',
  help: HELP,
  async run(args) {
    const sub = subcommand('list', args, ['add', 'ls'], { list: 'ls' });
    const rest = args.slice(1);
    if (sub === 'add') {
      const { values, positionals } = parseCommand('list add', rest, {}, ['NAME']);
      const api = await connect(dataDirOf(values));
      const list = await api.call('lists.create', { name: positionals[0] ?? '' });
      if (values.json) printJson(list);
      else print(`List "${list.name}" created.`);
      return 0;
    }
    const { values } = parseCommand('list ls', rest, {});
    const api = await connect(dataDirOf(values));
    const result = await api.call('lists.list', {});
    if (values.json) printJson(result);
    else print(table(['NAME', 'USERS', 'CREATED'], result.lists.map((l) => [l.name, String(l.users), when(l.createdAt)])));
    return 0;
  },
};
