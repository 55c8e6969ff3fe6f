/**
 * `relay-desk user`: SMTP users, as on the seed's SMTP+ settings page. The
 * password the host generates is printed once, at creation or reset; nothing
 * can show it again.
 */
import type { MethodInput } from '../api/contract.js';
import type { UserView, Verification } from '../api/schemas/users.js';
import { COMMON_HELP, dataDirOf, integer, parseCommand, subcommand, UsageError, yesNo, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { cell, print, printJson, priority, table, when } from './output.js';

const HELP = `Usage:
  relay-desk user add [--list NAME] [--priority N] [--note TEXT] [--domains "a.com;b.com"]
                      [--addresses "x@a.com;y@b.com"] [--trusted "CIDR;CIDR"] [--rate-limit N] [--inactive]
      create a user; prints its generated name and password (shown once)
  relay-desk user list [--list NAME]
      show the users (of one list)
  relay-desk user set USER [--active yes|no] [--priority N] [--note TEXT] [--domains ...]
                      [--addresses ...] [--trusted ...] [--rate-limit N|none] [--list NAME]
      change what is given, keep the rest
  relay-desk user reset-password USER
      make a new password (shown once); the old one stops working
  relay-desk user delete USER

Options:
  --list NAME          the list the user belongs to (default: the first list, "SMTP+" on a fresh install;
                       made when new; "smtp+" is the list "SMTP+")
  --priority N         1 (highest) to 5 (lowest), 3 = normal: what recipients' mail clients show
  --note TEXT          a note for internal use
  --domains LIST       verified domains whose every address may send, separated by ";"
  --addresses LIST     addresses that may send, separated by ";"; new ones are mailed a code
  --trusted LIST       devices that may send without logging in: IP addresses or networks, ";"-separated
  --rate-limit N|none  messages per hour, or no limit
  --inactive, --active no   the user cannot send
Quote lists so the shell leaves the ";" alone: --domains "company.com;marketing.company.com".

Only what the command did about verification codes is printed: a code mailed to a new address, one
not needed (the address is at a verified domain), or one that could not be mailed, and why.

--json: "add" and "reset-password" print {"user": NAME, "password": PASSWORD}; "list" prints
{"users": [...]}, "set" the user with "verification" (what was mailed) and "delete" {"deleted": NAME},
as the API returns them.

${COMMON_HELP}`;

/** The API's field names, as the flags a user typed. */
const FLAGS = {
  list: '--list',
  active: '--active',
  priority: '--priority',
  note: '--note',
  domains: '--domains',
  addresses: '--addresses',
  trustedClients: '--trusted',
  rateLimitPerHour: '--rate-limit',
};

const FIELD_OPTIONS = {
  list: { type: 'string' },
  priority: { type: 'string' },
  note: { type: 'string' },
  domains: { type: 'string' },
  addresses: { type: 'string' },
  trusted: { type: 'string' },
  'rate-limit': { type: 'string' },
} as const;

type Fields = Omit<MethodInput<'users.update'>, 'name'>;
type FieldValues = { [K in keyof typeof FIELD_OPTIONS]?: string | undefined };

/** The user fields the flags give, checked as far as the CLI can; the host checks the rest. */
function fields(values: FieldValues, command: string): Fields {
  const out: Fields = {};
  if (values.list !== undefined) out.list = values.list;
  if (values.priority !== undefined) out.priority = integer(values.priority, '--priority', command, 1, 5);
  if (values.note !== undefined) out.note = values.note;
  // Passed as typed: the host splits at ";" and refuses a "," with the reason.
  if (values.domains !== undefined) out.domains = values.domains;
  if (values.addresses !== undefined) out.addresses = values.addresses;
  if (values.trusted !== undefined) out.trustedClients = values.trusted;
  const rate = values['rate-limit'];
  if (rate !== undefined) out.rateLimitPerHour = rate.toLowerCase() === 'none' ? null : integer(rate, '--rate-limit', command, 1, 1_000_000);
  return out;
}

/** Name and password, exactly what a mail client needs. */
function printCredentials(result: { user: UserView; password: string }, json: boolean | undefined): void {
  if (json) printJson({ user: result.user.name, password: result.password });
  else print(`User: ${result.user.name}\nPassword: ${result.password} (shown once — it cannot be read again)`);
}

/** What this call did about new addresses' codes, and nothing about addresses it left as they were. */
function printVerification({ mailed, covered, notMailed }: Verification): void {
  if (mailed.length > 0) {
    const codes = mailed.length === 1 ? 'A verification code was' : 'Verification codes were';
    print(`${codes} mailed to ${mailed.join(', ')}; enter ${mailed.length === 1 ? 'it' : 'each'} with: relay-desk sender confirm ADDRESS CODE`);
  }
  for (const { address, domain } of covered) print(`${address} needs no code: it is covered by the verified domain ${domain}.`);
  for (const { address, reason } of notMailed) {
    print(`No verification code could be mailed to ${address}: ${reason}. Send it later with: relay-desk sender resend-code ${address}`);
  }
}

/** A user with no sender is refused whatever it sends, from its devices too: said when it is made. */
function printWithoutSenders(user: UserView): void {
  if (user.domains.length > 0 || user.addresses.length > 0) return;
  print(
    `${user.name} has no authorized sender, so it cannot send anything (nor can its trusted devices): ` +
      `add one with relay-desk user set ${user.name} --domains DOMAIN or --addresses ADDRESS`,
  );
}

function userRows(users: readonly UserView[]): string[][] {
  return users.map((u) => [u.active ? 'active' : 'inactive', u.name, u.list, u.note, u.type, priority(u.priority), when(u.updatedAt)]);
}

export const usersGroup: CommandGroup = {
  name: 'user',
  subcommands: 'add|list|set|reset-password|delete',
  summary: 'SMTP users and their passwords',
  help: HELP,
  async run(args) {
    const sub = subcommand('user', args, ['add', 'list', 'set', 'reset-password', 'delete'], { ls: 'list', rm: 'delete' });
    const rest = args.slice(1);
    switch (sub) {
      case 'add': {
        const { values } = parseCommand('user add', rest, { ...FIELD_OPTIONS, inactive: { type: 'boolean' } });
        const input: MethodInput<'users.create'> = fields(values, 'user add');
        if (values.inactive) input.active = false;
        const api = await connect(dataDirOf(values));
        const created = await withFlags(api.call('users.create', input), FLAGS);
        printCredentials(created, values.json);
        if (!values.json) {
          printVerification(created.verification);
          printWithoutSenders(created.user);
        }
        return 0;
      }
      case 'list': {
        const { values } = parseCommand('user list', rest, { list: { type: 'string' } });
        const api = await connect(dataDirOf(values));
        const result = await api.call('users.list', values.list === undefined ? {} : { list: values.list });
        if (values.json) printJson(result);
        else if (result.users.length === 0) print(values.list === undefined ? 'No users yet: add one with relay-desk user add' : `No users in "${values.list}".`);
        else print(table(['STATUS', 'USER NAME', 'LIST', 'NOTE', 'TYPE', 'PRIORITY', 'LAST UPDATED'], userRows(result.users)));
        return 0;
      }
      case 'set': {
        const { values, positionals } = parseCommand('user set', rest, { ...FIELD_OPTIONS, active: { type: 'string' } }, ['USER']);
        const changes = fields(values, 'user set');
        if (values.active !== undefined) changes.active = yesNo(values.active, '--active', 'user set');
        if (Object.keys(changes).length === 0) throw new UsageError('user set needs something to change, such as --active no', 'user set');
        const api = await connect(dataDirOf(values));
        const user = await withFlags(api.call('users.update', { name: positionals[0] ?? '', ...changes }), FLAGS);
        if (values.json) printJson(user);
        else {
          print(`User ${user.name} updated: ${user.active ? 'active' : 'inactive'}, priority ${priority(user.priority)}, list "${cell(user.list)}".`);
          printVerification(user.verification);
        }
        return 0;
      }
      case 'reset-password': {
        const { values, positionals } = parseCommand('user reset-password', rest, {}, ['USER']);
        const api = await connect(dataDirOf(values));
        printCredentials(await api.call('users.resetPassword', { name: positionals[0] ?? '' }), values.json);
        return 0;
      }
      case 'delete': {
        const { values, positionals } = parseCommand('user delete', rest, {}, ['USER']);
        const api = await connect(dataDirOf(values));
        const result = await api.call('users.delete', { name: positionals[0] ?? '' });
        if (values.json) printJson(result);
        else print(`User ${result.deleted} deleted; its password no longer works.`);
        return 0;
      }
    }
  },
};
