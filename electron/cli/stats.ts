/**
 * `relay-desk stats`: a list's messages grouped the way the list aggregates
 * them (or as --by says), as on the Statistics screen: a table, --json as
 * the API answers, or --csv.
 */
import { stringify } from 'csv-stringify/sync';
import type { MethodOutput } from '../api/contract.js';
import { CSV_OPTIONS } from '../api/csv.js';
import type { Aggregation } from '../api/schemas/stats.js';
import { COMMON_HELP, dataDirOf, parseCommand, time, UsageError, choice, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { cell, print, printJson, table, when } from './output.js';

/** What --by and `list set --aggregate` take: the seven modes, time as its four periods. */
export const AGGREGATE_NAMES = ['day', 'week', 'month', 'year', 'subject', 'dynamic-subject', 'sender', 'sender-name', 'sender-subject', 'user'] as const;

export function aggregation(text: string, flag: string, command: string): Aggregation {
  const by = choice(text, flag, command, AGGREGATE_NAMES);
  return by === 'day' || by === 'week' || by === 'month' || by === 'year' ? { mode: 'time', unit: by } : { mode: by, unit: 'day' };
}

export function aggregationName(a: Aggregation): string {
  return a.mode === 'time' ? a.unit : a.mode;
}

const COMMAND = 'stats';

const HELP = `Usage:
  relay-desk stats --list LIST [--by MODE] [--since T] [--until T] [--json|--csv]
      the list's messages in the period, one row per group: accepted, recipients, delivered,
      deferred, bounced, refused, first and last; CampaignCode groups come first

Options:
  --list LIST   the list (its users' messages); names are compared ignoring case
  --by MODE     ${AGGREGATE_NAMES.join(', ')};
                without it, the list's own choice (relay-desk list set LIST --aggregate MODE)
  --since T     from T (default: 30 days ago); --until T: before T (default: now).
                T is a date (2026-12-01), a time (2026-12-01T09:30) or a time ago (30m, 12h, 7d)
  --csv         the groups as CSV (RFC 4180, a header row first)

--json prints the API's answer: {"aggregation", "groups", "more", "series"} (series: per day, for a chart).

${COMMON_HELP}`;

const FLAGS = { list: '--list', since: '--since', until: '--until', by: '--by' };

function rows(groups: MethodOutput<'stats.get'>['groups']): string[][] {
  return groups.map((g) =>
    [g.label, String(g.accepted), String(g.recipients), String(g.delivered), String(g.deferred), String(g.bounced), String(g.refused), when(g.firstAt), when(g.lastAt)].map(cell),
  );
}

const HEADERS = ['GROUP', 'ACCEPTED', 'RECIPIENTS', 'DELIVERED', 'DEFERRED', 'BOUNCED', 'REFUSED', 'FIRST', 'LAST'];

export const statsGroup: CommandGroup = {
  name: 'stats',
  subcommands: '',
  summary: "a list's messages grouped for statistics",
  help: HELP,
  async run(args) {
    const { values } = parseCommand(COMMAND, args, {
      list: { type: 'string' },
      by: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      csv: { type: 'boolean' },
    });
    if (values.list === undefined) throw new UsageError('stats needs --list LIST', COMMAND);
    if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both', COMMAND);
    const input = {
      list: values.list,
      since: time(values.since ?? '30d', '--since', COMMAND),
      ...(values.until === undefined ? {} : { until: time(values.until, '--until', COMMAND) }),
      ...(values.by === undefined ? {} : { by: aggregation(values.by, '--by', COMMAND) }),
    };
    const api = await connect(dataDirOf(values));
    const result = await withFlags(api.call('stats.get', input), FLAGS);
    if (values.json) printJson(result);
    else if (values.csv) {
      const records = result.groups.map((g) => [g.label, g.campaign ? 'yes' : 'no', g.accepted, g.recipients, g.delivered, g.deferred, g.bounced, g.refused, g.firstAt, g.lastAt]);
      process.stdout.write(stringify([['group', 'campaign', 'accepted', 'recipients', 'delivered', 'deferred', 'bounced', 'refused', 'firstAt', 'lastAt'], ...records], CSV_OPTIONS));
    } else if (result.groups.length === 0) print(`No messages of "${values.list}" in the period.`);
    else {
      const more = result.more > 0 ? `\n${result.more} smaller groups not shown; --json or a shorter period shows fewer.` : '';
      print(`${table(HEADERS, rows(result.groups))}\nGrouped by ${aggregationName(result.aggregation)}.${more}`);
    }
    return 0;
  },
};
