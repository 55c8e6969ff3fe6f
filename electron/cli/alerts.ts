/**
 * `relay-desk alerts`: the alert center's channels and rules, a test alert,
 * and the history of alerts sent. A webhook's signing secret is printed once,
 * when its channel is added, and never again.
 */
import type { MethodInput } from '../api/contract.js';
import type { AlertChannel, AlertHistoryEntry, AlertRule, Frequency } from '../api/schemas/alerts.js';
import { ALERT_KINDS, FREQUENCIES, THRESHOLD_UNITS } from '../api/schemas/alerts.js';
import { choice, CliError, COMMON_HELP, COMMON_OPTIONS, parseStrict, dataDirOf, integer, parseCommand, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { cell, print, printJson, table, when } from './output.js';

const HELP = `Usage:
  relay-desk alerts channel add --email ADDR [--email ADDR...] [--from SENDER] [--digest hourly|daily]
                                     alerts mailed to admins through the relay's own upstream, from a verified
                                     sender (--from; by default the one verification codes go out from)
  relay-desk alerts channel add --webhook URL [--events] [--digest hourly|daily]
                                     alerts POSTed as JSON to an https:// URL (http:// only to this computer),
                                     signed: X-Relay-Desk-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
                                     "<t>.<body>">; the secret is printed once. --events: also each message's
                                     accepted, delivered, deferred and bounced
  relay-desk alerts channel add --desktop [--digest hourly|daily]
                                     desktop notifications (the desktop app, and admin pages that allow them)
  relay-desk alerts channel list     the channels
  relay-desk alerts channel remove ID
  relay-desk alerts rule set KIND on|off [--threshold N] [--queue-threshold N] [--list L]
                                     KIND: ${ALERT_KINDS.join(', ')};
                                     --threshold: user-blocked, failed logins from one address in 10 minutes
                                     (5; the relay itself blocks the address at 10); delivery-problem, minutes a message may stay deferred
                                     (30); certificate-expiring, days before expiry (14). --queue-threshold:
                                     delivery-problem, queued messages (100). --list: that list's own rule
  relay-desk alerts rule list        the rules in force
  relay-desk alerts test [ID]        a test alert through every channel, or one; says what became of it
  relay-desk alerts history [--limit N]
                                     the alerts sent, newest first: when, kind, channel, delivered or why not

The same alert (kind and subject) goes out at most once per 15 minutes; what a flood held back is
summed up at the window's end ("and 240 more"). --digest gathers a channel's alerts for an hour or a
day and sends them as one, grouped by kind with counts.

--json prints the API's answers as they are.

${COMMON_HELP}`;

function describeChannel(c: AlertChannel): string {
  if (c.type === 'email') return `email to ${c.to.join(', ')} from ${c.from}`;
  if (c.type === 'webhook') return `webhook ${c.url}${c.deliveryEvents ? ' (with delivery events)' : ''}`;
  return 'desktop notifications';
}

function ruleRows(rules: readonly AlertRule[]): string[][] {
  return rules.map((r) =>
    [
      r.kind,
      r.list ?? '(every list)',
      r.on ? 'on' : 'off',
      r.threshold === null ? '' : `${r.threshold} ${THRESHOLD_UNITS[r.kind] ?? ''}`,
      r.queueThreshold === null ? '' : `${r.queueThreshold} queued`,
    ].map(cell),
  );
}

function historyRows(entries: readonly AlertHistoryEntry[]): string[][] {
  return entries.map((e) => [when(e.at), e.kind, e.channel, e.delivered ? 'delivered' : 'NOT delivered', e.detail, e.title].map(cell));
}

async function channel(args: string[]): Promise<number> {
  const sub = subcommand('alerts channel', args, ['add', 'list', 'remove'], { ls: 'list', rm: 'remove' });
  const rest = args.slice(1);
  const command = `alerts channel ${sub}`;
  if (sub === 'list') {
    const { values } = parseCommand(command, rest, {});
    const view = await (await connect(dataDirOf(values))).call('alerts.get', {});
    if (values.json) printJson(view.channels);
    else if (view.channels.length === 0) print('No alert channel: alerts are recorded nowhere and sent nowhere. Add one with: relay-desk alerts channel add');
    else print(table(['ID', 'CHANNEL', 'FREQUENCY'], view.channels.map((c) => [c.id, describeChannel(c), c.frequency].map(cell))));
    return 0;
  }
  if (sub === 'remove') {
    const { values, positionals } = parseCommand(command, rest, {}, ['ID']);
    const view = await (await connect(dataDirOf(values))).call('alerts.channel.remove', { id: positionals[0] as string });
    if (values.json) printJson(view);
    else print(`Removed alert channel ${positionals[0] as string}.`);
    return 0;
  }
  const { values } = parseCommand(command, rest, {
    email: { type: 'string', multiple: true },
    from: { type: 'string' },
    webhook: { type: 'string' },
    events: { type: 'boolean' },
    desktop: { type: 'boolean' },
    digest: { type: 'string' },
  });
  const kinds = [values.email !== undefined, values.webhook !== undefined, values.desktop === true].filter(Boolean).length;
  if (kinds !== 1) throw new UsageError('give one of --email ADDR, --webhook URL or --desktop', command);
  if (values.from !== undefined && values.email === undefined) throw new UsageError('--from goes with --email', command);
  if (values.events && values.webhook === undefined) throw new UsageError('--events goes with --webhook', command);
  const frequency: Frequency = values.digest === undefined ? 'immediate' : choice(values.digest, '--digest', command, FREQUENCIES.filter((f) => f !== 'immediate'));
  const api = await connect(dataDirOf(values));
  let input: MethodInput<'alerts.channel.add'>;
  if (values.email !== undefined) {
    const from = values.from ?? (await api.call('alerts.get', {})).fromChoices[0];
    if (from === undefined) throw new CliError('No verified sender to mail alerts from: verify an address or a domain under Senders, then give it with --from.');
    input = { type: 'email', to: values.email, from, frequency };
  } else if (values.webhook !== undefined) input = { type: 'webhook', url: values.webhook, deliveryEvents: values.events === true, frequency };
  else input = { type: 'desktop', frequency };
  const added = await withFlags(api.call('alerts.channel.add', input), { to: '--email', from: '--from', url: '--webhook' });
  if (values.json) printJson(added);
  else {
    const lines = [`Added alert channel ${added.channel.id}: ${describeChannel(added.channel)}, ${frequency === 'immediate' ? 'each alert at once' : `an ${frequency === 'hourly' ? 'hourly' : 'daily'} digest`}.`];
    if (added.secret !== null) lines.push(`Signing secret (shown this once; keep it where the receiver checks signatures): ${added.secret}`);
    print(lines.join('\n'));
  }
  return 0;
}

async function rule(args: string[]): Promise<number> {
  const sub = subcommand('alerts rule', args, ['set', 'list'], { ls: 'list' });
  const rest = args.slice(1);
  const command = `alerts rule ${sub}`;
  if (sub === 'list') {
    const { values } = parseCommand(command, rest, {});
    const view = await (await connect(dataDirOf(values))).call('alerts.get', {});
    if (values.json) printJson(view.rules);
    else print(table(['KIND', 'LIST', 'ON', 'THRESHOLD', 'QUEUE'], ruleRows(view.rules)));
    return 0;
  }
  const { values, positionals } = parseCommand(command, rest, { threshold: { type: 'string' }, 'queue-threshold': { type: 'string' }, list: { type: 'string' } }, ['KIND', 'on|off']);
  const kind = choice(positionals[0] as string, 'KIND', command, ALERT_KINDS);
  const on = choice(positionals[1] as string, 'on|off', command, ['on', 'off']) === 'on';
  const input = {
    kind,
    on,
    ...(values.list === undefined ? {} : { list: values.list }),
    ...(values.threshold === undefined ? {} : { threshold: integer(values.threshold, '--threshold', command, 1, 100_000) }),
    ...(values['queue-threshold'] === undefined ? {} : { queueThreshold: integer(values['queue-threshold'], '--queue-threshold', command, 1, 10_000_000) }),
  };
  const api = await connect(dataDirOf(values));
  const view = await withFlags(api.call('alerts.rule.set', input), { threshold: '--threshold', queueThreshold: '--queue-threshold', list: '--list' });
  if (values.json) printJson(view);
  else print(table(['KIND', 'LIST', 'ON', 'THRESHOLD', 'QUEUE'], ruleRows(view.rules.filter((r) => r.kind === kind))));
  return 0;
}

export const alertsGroup: CommandGroup = {
  name: 'alerts',
  subcommands: 'channel|rule|test|history',
  summary: 'alert channels (email, webhook, desktop), rules, a test alert, what was sent',
  help: HELP,
  async run(args) {
    const sub = subcommand('alerts', args, ['channel', 'rule', 'test', 'history']);
    const rest = args.slice(1);
    if (sub === 'channel') return channel(rest);
    if (sub === 'rule') return rule(rest);
    if (sub === 'test') {
      const { values, positionals } = parseStrict('alerts test', rest, COMMON_OPTIONS);
      if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1] ?? ''}"`, 'alerts test');
      const api = await connect(dataDirOf(values));
      const { results } = await withFlags(api.call('alerts.test', positionals[0] === undefined ? {} : { id: positionals[0] }), { id: 'ID' });
      if (values.json) printJson(results);
      else print(results.map((r) => `${r.channel}: ${r.delivered ? `sent (${r.detail})` : `NOT sent: ${r.detail}`}`).join('\n'));
      if (results.some((r) => !r.delivered)) throw new CliError('The test alert did not go out through every channel.');
      return 0;
    }
    const { values } = parseCommand('alerts history', rest, { limit: { type: 'string' } });
    const limit = values.limit === undefined ? 50 : integer(values.limit, '--limit', 'alerts history', 1, 1000);
    const { entries } = await (await connect(dataDirOf(values))).call('alerts.history', { limit });
    if (values.json) printJson(entries);
    else if (entries.length === 0) print('No alert has been sent.');
    else print(table(['WHEN', 'KIND', 'CHANNEL', 'RESULT', 'DETAIL', 'ALERT'], historyRows(entries)));
    return 0;
  },
};
