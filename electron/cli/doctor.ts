/**
 * `relay-desk doctor`: the Troubleshooting screen's checks on the command
 * line. Without a command, every check that needs no input, one line each;
 * the exit code says whether a problem was found (0: none, 1: one or more),
 * so a script or a monitoring job can run it. The login test's password is
 * read from standard input or a prompt, never from the arguments.
 */
import type { CanSendResult, DoctorCheck } from '../api/schemas/doctor.js';
import { COMMON_HELP, dataDirOf, parseCommand, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { print, printJson } from './output.js';
import { readPassword } from './read-password.js';
import { testMessage } from './doctor-test-message.js';

const HELP = `Usage:
  relay-desk doctor                           every check that needs no input: the relay, each port on every
                                              address, the firewall, the certificate, the smarthost, the DNS records
                                              of each verified domain; one line each, with the fix and what to publish.
                                              Exits 0 when no problem is found (warnings included), 1 otherwise
  relay-desk doctor can-send USER ADDRESS [--client IP]
                                              whether USER may send as ADDRESS, by the relay's own rule, and why;
                                              with --client, how a device at IP is identified. Exits 0 for yes, 1 for no
  relay-desk doctor login USER [--client IP]  tries USER's password (from standard input, or asked for at a terminal)
                                              as the relay checks a login, sending nothing. A failure counts toward
                                              the blocking of the client address (IP, or this computer's 127.0.0.1)
                                              like a real one. Exits 0 when the login works, 1 otherwise
  relay-desk doctor upstream [--domain DOMAIN] [--from ADDRESS]
                                              the smarthost (or, for direct delivery, DOMAIN's MX hosts) tried: connect,
                                              TLS, login, MAIL FROM (ADDRESS, or the address codes are mailed from) and
                                              RSET, nothing sent; every reply word for word. Exits 0 when it takes the
                                              mail, 1 otherwise
  relay-desk doctor test-message --user USER --from ADDRESS --to RECIPIENT
                                              a short test message sent through the relay as USER would send it (its
                                              password from standard input, or asked for at a terminal), then followed
                                              in the message history, one line per step, until delivered, deferred or
                                              bounced. Exits 0 when it is delivered, 1 otherwise

--json: prints what the API returns.

${COMMON_HELP}`;

const FLAGS = { user: 'USER', address: 'ADDRESS', client: '--client', domain: '--domain', from: '--from' };

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok', warning: 'warning', problem: 'PROBLEM' };

function checkLines(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => MARK[c.status].length));
  return checks
    .map((c) => {
      const indent = ' '.repeat(width + 2);
      const fix = c.fix ? `\n${indent}fix: ${c.fix}` : '';
      const publish = (c.publish ?? []).map((r) => `\n${indent}publish: ${r.type} ${r.name} ${JSON.stringify(r.value)}`).join('');
      return `${MARK[c.status].padEnd(width)}  ${c.title}: ${c.summary}${fix}${publish}`;
    })
    .join('\n');
}

function checkWithDetails(check: DoctorCheck): string {
  return [checkLines([check]), ...check.details.map((d) => `  ${d}`)].join('\n');
}

function canSendLines(result: CanSendResult): string {
  const lines = [`${result.allowed ? 'yes' : 'no'}: ${result.explanation}`];
  if (result.fix) lines.push(`fix: ${result.fix}`);
  if (result.client) lines.push(result.client);
  return lines.join('\n');
}

export const doctorGroup: CommandGroup = {
  name: 'doctor',
  subcommands: '[can-send|login|upstream|test-message]',
  summary: 'troubleshooting: the checks an admin would run, with the fix',
  help: HELP,
  async run(args) {
    if (args.length === 0 || args[0]?.startsWith('-')) {
      const { values } = parseCommand('doctor', args, {});
      const api = await connect(dataDirOf(values));
      const report = await api.call('doctor.run', {});
      if (values.json) printJson(report);
      else print(checkLines(report.checks));
      return report.checks.some((c) => c.status === 'problem') ? 1 : 0;
    }
    const sub = subcommand('doctor', args, ['can-send', 'login', 'upstream', 'test-message']);
    const command = `doctor ${sub}`;
    if (sub === 'test-message') {
      const { values } = parseCommand(command, args.slice(1), { user: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } });
      const { user, from, to } = values;
      if (user === undefined || from === undefined || to === undefined) throw new UsageError('test-message needs --user, --from and --to', command);
      const api = await connect(dataDirOf(values));
      const password = await readPassword(command);
      return testMessage(api, { user, password, from, to }, values.json === true, { ...FLAGS, to: '--to', user: '--user' });
    }
    if (sub === 'upstream') {
      const { values } = parseCommand(command, args.slice(1), { domain: { type: 'string' }, from: { type: 'string' } });
      const api = await connect(dataDirOf(values));
      const input = { ...(values.domain === undefined ? {} : { domain: values.domain }), ...(values.from === undefined ? {} : { from: values.from }) };
      const check = await withFlags(api.call('doctor.upstream', input), FLAGS);
      if (values.json) printJson(check);
      else print(checkWithDetails(check));
      return check.status === 'ok' ? 0 : 1;
    }
    const options = { client: { type: 'string' } } as const;
    if (sub === 'can-send') {
      const { values, positionals } = parseCommand(command, args.slice(1), options, ['USER', 'ADDRESS']);
      const api = await connect(dataDirOf(values));
      const input = { user: positionals[0] ?? '', address: positionals[1] ?? '', ...(values.client === undefined ? {} : { client: values.client }) };
      const result = await withFlags(api.call('doctor.canSend', input), FLAGS);
      if (values.json) printJson(result);
      else print(canSendLines(result));
      return result.allowed ? 0 : 1;
    }
    const { values, positionals } = parseCommand(command, args.slice(1), options, ['USER']);
    if (positionals[0] === '') throw new UsageError('USER is empty', command);
    const api = await connect(dataDirOf(values));
    const password = await readPassword(command);
    const input = { user: positionals[0] ?? '', password, ...(values.client === undefined ? {} : { client: values.client }) };
    const result = await withFlags(api.call('doctor.testLogin', input), FLAGS);
    if (values.json) printJson(result);
    else print(`${result.result === 'ok' ? 'ok' : result.result}: ${result.explanation}`);
    return result.result === 'ok' ? 0 : 1;
  },
};
