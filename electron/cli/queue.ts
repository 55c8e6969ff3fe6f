/** `relay-desk queue`: pause and resume delivery, retry and delete queued messages. */
import type { MessageRow } from '../api/schemas/messages.js';
import type { QueueState } from '../api/schemas/queue.js';
import { CliError, COMMON_HELP, COMMON_OPTIONS, dataDirOf, integer, parseCommand, parseStrict, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { shown } from './messages.js';
import { cell, print, printJson, table, when } from './output.js';

const HELP = `Usage:
  relay-desk queue status                  what the queue holds, and whether delivery is paused
  relay-desk queue ls [--limit N]          the messages waiting (queued, being sent, deferred), oldest first
  relay-desk queue pause                   stop delivering (mail is still accepted and queued); kept across restarts
  relay-desk queue resume                  deliver again; what is due goes at once
  relay-desk queue retry ID...             try these queued messages now
  relay-desk queue retry --all-deferred    try every deferred message now
  relay-desk queue delete ID...            remove these queued messages undelivered; their senders get no bounce

IDs are queue ids, as in the 250 reply ("queued as ...") and the Messages screen. An id the queue no
longer holds (delivered, bounced or deleted) is named on stderr, and the command exits 1.

--json: status, pause and resume print {"paused", "queued", "deferred"}; retry and delete print
{"done": [...], "missing": [...]}; ls prints messages.list's answer, as the API returns them.

${COMMON_HELP}`;

function describe(state: QueueState): string {
  const held = `${state.queued} message${state.queued === 1 ? '' : 's'} queued, ${state.deferred} deferred`;
  return state.paused ? `Delivery is paused (mail is accepted and queued): ${held}.` : `Delivery is running: ${held}.`;
}

function waitingRows(rows: readonly MessageRow[]): string[][] {
  return rows.map((m) =>
    [when(m.acceptedAt), m.id, m.status, m.user, m.from || m.envelopeFrom, String(m.recipients), String(m.attempts), m.nextAttemptAt ? when(m.nextAttemptAt) : '', m.lastReply ?? ''].map(cell),
  );
}

async function list(rest: string[]): Promise<number> {
  const { values } = parseCommand('queue ls', rest, { limit: { type: 'string' } });
  const pageSize = values.limit === undefined ? 50 : integer(values.limit, '--limit', 'queue ls', 1, 500);
  const api = await connect(dataDirOf(values));
  const result = await withFlags(api.call('messages.list', { filter: { status: ['queued', 'sending', 'deferred'] }, sort: 'acceptedAt-asc', pageSize }), { pageSize: '--limit' });
  if (values.json) printJson(result);
  else if (result.rows.length === 0) print('The queue is empty.');
  else {
    const header = ['ACCEPTED', 'QUEUE ID', 'STATUS', 'USER', 'FROM', 'RCPTS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST REPLY'];
    print([table(header, waitingRows(result.rows)), shown(result, 'waiting messages', 'oldest first', '--limit shows up to 500.')].filter(Boolean).join('\n'));
  }
  return 0;
}

export const queueGroup: CommandGroup = {
  name: 'queue',
  subcommands: 'status|ls|pause|resume|retry|delete',
  summary: 'pause delivery, retry or delete queued messages',
  help: HELP,
  async run(args) {
    const sub = subcommand('queue', args, ['status', 'ls', 'pause', 'resume', 'retry', 'delete'], { rm: 'delete', list: 'ls' });
    const rest = args.slice(1);
    if (sub === 'ls') return list(rest);
    const command = `queue ${sub}`;
    if (sub === 'status' || sub === 'pause' || sub === 'resume') {
      const { values } = parseCommand(command, rest, {});
      const api = await connect(dataDirOf(values));
      const state = await api.call(`queue.${sub}`, {});
      if (values.json) printJson(state);
      else print(describe(state));
      return 0;
    }
    const { values, positionals } = parseStrict(command, rest, { ...COMMON_OPTIONS, 'all-deferred': { type: 'boolean' } });
    const allDeferred = sub === 'retry' && values['all-deferred'] === true;
    if (values['all-deferred'] && sub !== 'retry') throw new UsageError('--all-deferred goes with retry', command);
    if (allDeferred && positionals.length > 0) throw new UsageError('give either IDs or --all-deferred, not both', command);
    if (!allDeferred && positionals.length === 0) throw new UsageError(`${command} needs ID...${sub === 'retry' ? ' or --all-deferred' : ''}`, command);
    const api = await connect(dataDirOf(values));
    const result =
      sub === 'delete'
        ? await api.call('queue.delete', { ids: positionals })
        : await api.call('queue.retry', allDeferred ? { allDeferred: true } : { ids: positionals });
    if (values.json) printJson(result);
    else if (result.done.length > 0) print(`${sub === 'delete' ? 'Deleted' : 'Trying now'}: ${result.done.join(' ')}`);
    if (result.missing.length > 0) throw new CliError(`Not in the queue (delivered, bounced or deleted already, or never queued): ${result.missing.join(' ')}`);
    return 0;
  },
};
