/** `relay-desk list`: the lists that SMTP users belong to (a fresh install has "SMTP+"). */
import { COMMON_HELP, dataDirOf, parseCommand, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect } from './connect.js';
import { print, printJson, table, when } from './output.js';
import { PROPERTY_HELP, PROPERTY_OPTIONS, propertiesChange, propertiesLine } from './list-properties.js';
import { aggregation, aggregationName } from './stats.js';

const HELP = `Usage:
  relay-desk list add NAME           create a list (users are put in one with: relay-desk user add --list NAME)
  relay-desk list ls                 show the lists and how many users each has
  relay-desk list rename NAME NEW    rename a list; its users and its message history move with it
  relay-desk list delete NAME        delete an empty list (move or delete its users first); the last list stays
  relay-desk list set NAME --aggregate MODE
                                     how statistics group the list's messages (stored ones too): by time
                                     (day, week, month, year), subject, dynamic-subject (numbers, ids and
                                     dates ignored), sender, sender-name, sender-subject or user
${PROPERTY_HELP}

List names are compared ignoring case: "smtp+" is the list "SMTP+".

--json: "list add" and "list rename" print the list, "list ls" prints {"lists": [...]}, "list delete"
{"deleted": NAME} and "list set" {"name", "aggregation"} and/or {"properties"}, as the API returns them.

${COMMON_HELP}`;

export const listsGroup: CommandGroup = {
  name: 'list',
  subcommands: 'add|ls|rename|delete|set',
  summary: 'lists that SMTP users belong to',
  help: HELP,
  async run(args) {
    const sub = subcommand('list', args, ['add', 'ls', 'rename', 'delete', 'set'], { list: 'ls', rm: 'delete', mv: 'rename' });
    const rest = args.slice(1);
    switch (sub) {
      case 'add': {
        const { values, positionals } = parseCommand('list add', rest, {}, ['NAME']);
        const api = await connect(dataDirOf(values));
        const list = await api.call('lists.create', { name: positionals[0] ?? '' });
        if (values.json) printJson(list);
        else print(`List "${list.name}" created.`);
        return 0;
      }
      case 'rename': {
        const { values, positionals } = parseCommand('list rename', rest, {}, ['NAME', 'NEW']);
        const api = await connect(dataDirOf(values));
        const list = await api.call('lists.rename', { name: positionals[0] ?? '', newName: positionals[1] ?? '' });
        if (values.json) printJson(list);
        else print(`List renamed to "${list.name}"${list.users > 0 ? `, with its ${list.users} user${list.users === 1 ? '' : 's'}` : ''}.`);
        return 0;
      }
      case 'delete': {
        const { values, positionals } = parseCommand('list delete', rest, {}, ['NAME']);
        const api = await connect(dataDirOf(values));
        const result = await api.call('lists.delete', { name: positionals[0] ?? '' });
        if (values.json) printJson(result);
        else print(`List "${result.deleted}" deleted.`);
        return 0;
      }
      case 'set': {
        const { values, positionals } = parseCommand('list set', rest, { aggregate: { type: 'string' }, ...PROPERTY_OPTIONS }, ['NAME']);
        const name = positionals[0] ?? '';
        const wanted = values.aggregate === undefined ? null : aggregation(values.aggregate, '--aggregate', 'list set');
        const properties = await propertiesChange(values, name, 'list set');
        if (!wanted && !properties) {
          throw new UsageError('list set needs something to change: --aggregate MODE, --header on|off, --footer on|off or a --header-/--footer- file', 'list set');
        }
        const api = await connect(dataDirOf(values));
        const grouped = wanted ? await api.call('lists.setAggregation', { name, aggregation: wanted }) : null;
        const changed = properties ? await api.call('messageProperties.set', properties) : null;
        if (values.json) printJson({ ...grouped, ...(changed ? { properties: changed } : {}) });
        else {
          if (grouped) print(`Statistics of "${grouped.name}" are grouped by ${aggregationName(grouped.aggregation)}.`);
          if (changed) print(propertiesLine(changed));
        }
        return 0;
      }
      case 'ls': {
        const { values } = parseCommand('list ls', rest, {});
        const api = await connect(dataDirOf(values));
        const result = await api.call('lists.list', {});
        if (values.json) printJson(result);
        else print(table(['NAME', 'USERS', 'CREATED'], result.lists.map((l) => [l.name, String(l.users), when(l.createdAt)])));
        return 0;
      }
    }
  },
};
