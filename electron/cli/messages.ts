/**
 * `relay-desk messages`: the send status from the message history, filtered
 * as on the Messages screen; `--csv` writes every matching message (the host
 * hands it over in chunks), `--refused` lists refused attempts instead.
 */
import type { MethodOutput } from '../api/contract.js';
import { MessageStatusSchema, type MessageFilter, type MessageRow, type RefusalRow } from '../api/schemas/messages.js';
import { COMMON_HELP, dataDirOf, integer, parseCommand, time, UsageError, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { cell, print, printJson, table, when } from './output.js';

const STATUSES = MessageStatusSchema.options;

const HELP = `Usage:
  relay-desk messages [--status S[,S...]] [--user USER] [--list LIST] [--sender ADDRESS|@DOMAIN]
                      [--since T] [--until T] [--search TEXT] [--limit N] [--json|--csv]
      messages newest first, as the Messages screen shows them
  relay-desk messages --refused [--user USER] [--client ADDRESS] [--since T] [--until T] [--search TEXT] [--limit N] [--json]
      refused attempts (failed logins, unauthorized senders, limits), newest first

Options:
  --status S     ${STATUSES.join(', ')}; several separated by ","
  --user USER    the SMTP user that sent them
  --list LIST    the list the user was in when the message was accepted
  --sender A     the envelope sender or From address, or all of a domain: --sender @company.com
  --since T, --until T   accepted at or after / before T: a date (2026-12-01, local midnight),
                 a time (2026-12-01T09:30), or a time ago (30m, 12h, 7d)
  --search TEXT  in the subject, any recipient or the queue id (a whole address: mail to that recipient)
  --limit N      how many to show, 1 to 500 (default 50); --csv writes every match
  --csv          every matching message as CSV (RFC 4180, a header row first) on standard output
  --refused      refused attempts instead of messages; --client ADDRESS filters by the client's IP address

--json prints the API's answer: {"rows": [...], "total": N, "totalIsLowerBound": false}.

${COMMON_HELP}`;

const OPTIONS = {
  status: { type: 'string' },
  user: { type: 'string' },
  list: { type: 'string' },
  sender: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  search: { type: 'string' },
  limit: { type: 'string' },
  csv: { type: 'boolean' },
  refused: { type: 'boolean' },
  client: { type: 'string' },
} as const;

const FLAGS = {
  'filter.status': '--status',
  'filter.user': '--user',
  'filter.list': '--list',
  'filter.sender': '--sender',
  'filter.since': '--since',
  'filter.until': '--until',
  'filter.search': '--search',
  'filter.remoteAddress': '--client',
  pageSize: '--limit',
};

const COMMAND = 'messages';
function statuses(text: string): MessageFilter['status'] {
  return text.split(',').map((s) => {
    const found = STATUSES.find((status) => status === s.trim().toLowerCase());
    if (!found) throw new UsageError(`--status must be ${STATUSES.join(', ')}, got "${s.trim()}"`, COMMAND);
    return found;
  });
}

function messageRows(rows: readonly MessageRow[]): string[][] {
  return rows.map((m) => [when(m.acceptedAt), m.id, m.status, m.user, m.from || m.envelopeFrom, String(m.recipients), m.subject, m.lastReply ?? ''].map(cell));
}

function refusalRows(rows: readonly RefusalRow[]): string[][] {
  return rows.map((r) => [when(r.at), r.remoteAddress, r.user ?? '', r.stage, String(r.code), r.reply].map(cell));
}

/** The line under a table cut at --limit: how many of how many, and how to see more. */
export function shown(result: { rows: unknown[]; total: number; totalIsLowerBound: boolean }, what: string, order = 'newest first', more = '--limit shows more, --csv writes all.'): string {
  const total = `${result.total.toLocaleString('en-US')}${result.totalIsLowerBound ? '+' : ''}`;
  return result.rows.length < result.total ? `${result.rows.length} of ${total} ${what} shown (${order}); ${more}` : '';
}

export const messagesGroup: CommandGroup = {
  name: 'messages',
  subcommands: '',
  summary: 'what happened to each message, and refused attempts',
  help: HELP,
  async run(args) {
    const { values } = parseCommand(COMMAND, args, OPTIONS);
    const pageSize = values.limit === undefined ? 50 : integer(values.limit, '--limit', COMMAND, 1, 500);
    const since = values.since === undefined ? undefined : time(values.since, '--since', COMMAND);
    const until = values.until === undefined ? undefined : time(values.until, '--until', COMMAND);
    if (values.refused) {
      for (const flag of ['status', 'list', 'sender', 'csv'] as const) {
        if (values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to --refused`, COMMAND);
      }
      const filter = {
        ...(values.user === undefined ? {} : { user: values.user }),
        ...(values.client === undefined ? {} : { remoteAddress: values.client }),
        ...(values.search === undefined ? {} : { search: values.search }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      };
      const api = await connect(dataDirOf(values));
      const result = await withFlags(api.call('messages.refusals', { filter, pageSize }), FLAGS);
      if (values.json) printJson(result);
      else if (result.rows.length === 0) print('No refused attempts match.');
      else print([table(['AT', 'CLIENT', 'USER', 'STAGE', 'CODE', 'REPLY'], refusalRows(result.rows)), shown(result, 'refusals')].filter(Boolean).join('\n'));
      return 0;
    }
    if (values.client !== undefined) throw new UsageError('--client applies to --refused only', COMMAND);
    if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both', COMMAND);
    const filter: MessageFilter = {
      ...(values.status === undefined ? {} : { status: statuses(values.status) }),
      ...(values.user === undefined ? {} : { user: values.user }),
      ...(values.list === undefined ? {} : { list: values.list }),
      ...(values.sender === undefined ? {} : { sender: values.sender }),
      ...(values.search === undefined ? {} : { search: values.search }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    };
    const api = await connect(dataDirOf(values));
    if (values.csv) {
      let cursor: string | null = null;
      do {
        const chunk: MethodOutput<'messages.exportCsv'> = await withFlags(api.call('messages.exportCsv', { filter, cursor }), FLAGS);
        process.stdout.write(chunk.csv);
        cursor = chunk.cursor;
      } while (cursor !== null);
      return 0;
    }
    const result = await withFlags(api.call('messages.list', { filter, pageSize }), FLAGS);
    if (values.json) printJson(result);
    else if (result.rows.length === 0) print('No messages match.');
    else print([table(['ACCEPTED', 'QUEUE ID', 'STATUS', 'USER', 'FROM', 'RCPTS', 'SUBJECT', 'LAST REPLY'], messageRows(result.rows)), shown(result, 'messages')].filter(Boolean).join('\n'));
    return 0;
  },
};
