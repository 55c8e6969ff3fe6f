/**
 * The `relay-desk` program, whichever runtime carries it: Node (../cli.ts)
 * or the packaged app's Electron binary (../headless.ts). `serve` runs the
 * host; every other command finds the host running for a data folder and
 * calls its API (the groups are in this folder). Every failure ends in one
 * line on stderr and a non-zero exit code: 2 for wrong flags (the line says
 * where the help is), 1 for anything else.
 */
import { adminUrlGroup } from './admin-url.js';
import { alertsGroup } from './alerts.js';
import { COMMON_HELP, UsageError, wantsHelp, type CommandGroup } from './args.js';
import { doctorGroup } from './doctor.js';
import { listsGroup } from './lists.js';
import { queueGroup } from './queue.js';
import { messagesGroup } from './messages.js';
import { secretsGroup } from './secrets.js';
import { sendersGroup } from './senders.js';
import { serveGroup } from './serve-command.js';
import { serviceGroup } from './service.js';
import { statsGroup } from './stats.js';
import { listenerGroup, statusGroup, upstreamGroup } from './server.js';
import { usersGroup } from './users.js';
import { errorMessage } from '../../relay/shared/errors.js';

export const GROUPS: readonly CommandGroup[] = [
  serveGroup,
  statusGroup,
  adminUrlGroup,
  listsGroup,
  usersGroup,
  sendersGroup,
  messagesGroup,
  statsGroup,
  listenerGroup,
  upstreamGroup,
  queueGroup,
  alertsGroup,
  doctorGroup,
  secretsGroup,
  serviceGroup,
];

const commandWidth = Math.max(...GROUPS.map((g) => `${g.name} ${g.subcommands}`.length));

const USAGE = `Usage: relay-desk <command> [options]

Commands:
${GROUPS.map((g) => `  ${`${g.name} ${g.subcommands}`.padEnd(commandWidth)}  ${g.summary}`).join('\n')}

Every command but serve, secrets and service talks to the Relay Desk running for a data folder and
finds it by itself: its address is in the folder, its admin token in this user's keychain (or, for
a folder that keeps its secrets in files, beside the vault key in the folder).
Help for one command: relay-desk <command> --help

${COMMON_HELP}`;

async function runCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stdout.write(USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    process.stdout.write(USAGE);
    return 0;
  }
  // "relay-desk help user" reads like "relay-desk user --help".
  const wanted = name === 'help' ? (rest[0] ?? '') : name;
  const group = GROUPS.find((g) => g.name === wanted);
  if (!group) {
    throw new UsageError(wanted.startsWith('-') ? `the command comes first, as in: relay-desk user list ${wanted} ...` : `unknown command "${wanted}"`);
  }
  if (name === 'help' || wantsHelp(rest)) {
    process.stdout.write(group.help);
    return 0;
  }
  return group.run(rest);
}

/** The one line a failure prints: the reason, never a stack or a multi-line dump. */
function reason(err: unknown): string {
  if (err instanceof Error && err.name === 'ZodError') {
    return 'Relay Desk answered in a form this relay-desk does not understand; are both the same version?';
  }
  const message = errorMessage(err);
  return message.replace(/\s+/g, ' ').trim();
}

/** Runs one command line (the arguments after the program's name); resolves to its exit code. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await runCommand(argv);
  } catch (err) {
    process.stderr.write(`relay-desk: ${reason(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
