#!/usr/bin/env node
/**
 * `relay-desk`: the command line. `serve` runs the host; every other command
 * finds the host running for a data folder and calls its API (the groups are
 * in ./cli/). Every failure ends in one line on stderr and a non-zero exit:
 * 2 for wrong flags (the line says where the help is), 1 for anything else.
 */
import { adminUrlGroup } from './cli/admin-url.js';
import { COMMON_HELP, UsageError, wantsHelp, type CommandGroup } from './cli/args.js';
import { listsGroup } from './cli/lists.js';
import { queueGroup } from './cli/queue.js';
import { messagesGroup } from './cli/messages.js';
import { secretsGroup } from './cli/secrets.js';
import { sendersGroup } from './cli/senders.js';
import { serveGroup } from './cli/serve-command.js';
import { serviceGroup } from './cli/service.js';
import { statsGroup } from './cli/stats.js';
import { listenerGroup, statusGroup, upstreamGroup } from './cli/server.js';
import { usersGroup } from './cli/users.js';
import { errorMessage } from '../relay/shared/errors.js';

const GROUPS: readonly CommandGroup[] = [
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

async function main(argv: string[]): Promise<number> {
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

// Piped into `head`, stdout may close early: that is not an error worth a line.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`relay-desk: ${reason(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
