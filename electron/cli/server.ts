/**
 * `relay-desk listener`, `upstream` and `status`: the relay's ports and their
 * encryption, where relayed mail goes, and how it all is right now. The
 * smarthost password is read from standard input only, so it never shows in
 * `ps` or the shell's history, and no output ever contains it.
 */
import type { RelayState } from '../api/contract.js';
import type { ServerView, UpstreamView } from '../api/schemas/server.js';
import { CliError, COMMON_HELP, choice, dataDirOf, parseCommand, port, subcommand, UsageError, type CommandGroup } from './args.js';
import { connect, withFlags } from './connect.js';
import { encryption, print, printJson, table, when } from './output.js';
import { readPassword } from './read-password.js';
import { OAUTH_HELP, runUpstreamOAuth } from './upstream-oauth.js';

const ENCRYPTIONS = ['none', 'starttls', 'starttls-required', 'tls'] as const;
const SECURITIES = ['none', 'starttls', 'tls'] as const;

const LISTENER_HELP = `Usage:
  relay-desk listener set PORT --encryption none|starttls|starttls-required|tls [--allow-cleartext-login]
      listen on PORT (25, 80, 465, 587 or 1025-5000), or change how it is encrypted:
        none               no TLS (AUTH in clear text: only for devices that cannot do better)
        starttls           STARTTLS offered; login only after it, unless --allow-cleartext-login
                           (for devices that cannot use TLS: their passwords cross the network readable)
        starttls-required  nothing but EHLO and STARTTLS before TLS
        tls                TLS from the first byte (465)
  relay-desk listener remove PORT
  relay-desk listener list

--json: prints the server settings as the API returns them.

${COMMON_HELP}`;

const UPSTREAM_HELP = `Usage:
  relay-desk upstream set --host HOST --port PORT --security none|starttls|tls [--user USER [--password-stdin]]
      hand relayed mail to a smarthost. Without --user it is used without logging in; with --user and
      without --password-stdin the stored password is kept. The password is read from standard input:
        printf '%s' "$PASSWORD" | relay-desk upstream set --host smtp.example.com --port 587 \\
          --security starttls --user me@example.com --password-stdin
  relay-desk upstream direct [--port N]
      deliver straight to the recipients' MX hosts (port 25 unless given)
  relay-desk upstream test
      log in to the smarthost with the stored settings, sending nothing; exits 1 when it fails
  relay-desk upstream show
${OAUTH_HELP}

--json: prints what the API returns (never the password or a token: only whether one is stored).

${COMMON_HELP}`;

const STATUS_HELP = `Usage:
  relay-desk status     the relay, its ports, its certificate, its upstream and where its secrets' key is

--json: prints {"relay": ..., "server": ..., "upstream": ..., "secrets": ...} as the API returns them.

${COMMON_HELP}`;

const LISTENER_FLAGS = { encryption: '--encryption', requireTlsForAuth: '--allow-cleartext-login' };
const UPSTREAM_FLAGS = { host: '--host', port: '--port', security: '--security', user: '--user', password: '--password-stdin' };

/** When a mail client may log in on a port, in words. */
function login(l: ServerView['listeners'][number]): string {
  if (l.clearTextLogins) return `${l.encryption === 'none' ? 'without TLS' : 'with or without TLS'} (warning: passwords cross the network readable)`;
  return l.encryption === 'tls' ? 'over TLS' : 'after STARTTLS';
}

function listenerTable(server: ServerView, relay?: RelayState): string {
  const live = (portNumber: number) => {
    if (!relay) return [];
    const state = relay.listeners.find((l) => l.port === portNumber);
    if (relay.status !== 'running' || !state) return [relay.status === 'running' ? 'opening' : relay.status];
    return [state.status === 'listening' ? 'listening' : `error: ${state.error ?? 'unknown'}`];
  };
  const headers = ['PORT', 'ENCRYPTION', 'LOGIN', ...(relay ? ['STATUS'] : [])];
  return table(headers, server.listeners.map((l) => [String(l.port), encryption(l.encryption), login(l), ...live(l.port)]));
}

function describeUpstream(u: UpstreamView): string {
  switch (u.mode) {
    case 'none':
      return 'none: relayed mail waits in the queue (set one with relay-desk upstream set or upstream direct)';
    case 'mx':
      return `direct delivery to the recipients' MX hosts on port ${u.port}`;
    case 'smarthost': {
      const who = u.user === null ? 'no login' : `user ${u.user}, ${u.hasPassword ? 'password stored' : 'no password stored'}`;
      const cert = u.security !== 'none' && !u.rejectUnauthorized ? ', certificate not checked' : '';
      return `smarthost ${u.host}:${u.port}, security ${encryption(u.security)}${cert}, ${who}`;
    }
  }
}

export const listenerGroup: CommandGroup = {
  name: 'listener',
  subcommands: 'set|remove|list',
  summary: "the relay's ports and their encryption",
  help: LISTENER_HELP,
  async run(args) {
    const sub = subcommand('listener', args, ['set', 'remove', 'list'], { ls: 'list', rm: 'remove' });
    const rest = args.slice(1);
    const command = `listener ${sub}`;
    let server: ServerView;
    let json: boolean | undefined;
    if (sub === 'set') {
      const options = { encryption: { type: 'string' }, 'allow-cleartext-login': { type: 'boolean' } } as const;
      const { values, positionals } = parseCommand(command, rest, options, ['PORT']);
      if (values.encryption === undefined) throw new UsageError('listener set needs --encryption', command);
      const input = { port: port(positionals[0] ?? '', 'PORT', command), encryption: choice(values.encryption, '--encryption', command, ENCRYPTIONS) };
      const allowClearText = values['allow-cleartext-login'] === true;
      if (allowClearText && input.encryption !== 'starttls') {
        const why = input.encryption === 'none' ? 'a port without encryption always allows it' : 'this port never offers a login before TLS';
        throw new UsageError(`--allow-cleartext-login applies only to --encryption starttls: ${why}`, command);
      }
      const api = await connect(dataDirOf(values));
      // "set" describes the whole port: on optional STARTTLS logins wait for TLS unless the flag is given.
      const call = api.call('server.setListener', input.encryption === 'starttls' ? { ...input, requireTlsForAuth: !allowClearText } : input);
      server = await withFlags(call, LISTENER_FLAGS);
      json = values.json;
    } else if (sub === 'remove') {
      const { values, positionals } = parseCommand(command, rest, {}, ['PORT']);
      const portNumber = port(positionals[0] ?? '', 'PORT', command);
      const api = await connect(dataDirOf(values));
      server = await withFlags(api.call('server.removeListener', { port: portNumber }), LISTENER_FLAGS);
      json = values.json;
    } else {
      const { values } = parseCommand(command, rest, {});
      const api = await connect(dataDirOf(values));
      server = await api.call('server.get', {});
      json = values.json;
    }
    if (json) printJson(server);
    else print(listenerTable(server));
    return 0;
  },
};

export const upstreamGroup: CommandGroup = {
  name: 'upstream',
  subcommands: 'set|direct|test|show|oauth',
  summary: 'where relayed mail goes: a smarthost or the MX hosts',
  help: UPSTREAM_HELP,
  async run(args) {
    const sub = subcommand('upstream', args, ['set', 'direct', 'test', 'show', 'oauth']);
    const rest = args.slice(1);
    const command = `upstream ${sub}`;
    switch (sub) {
      case 'oauth':
        return runUpstreamOAuth(rest);
      case 'set': {
        const options = {
          host: { type: 'string' },
          port: { type: 'string' },
          security: { type: 'string' },
          user: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        } as const;
        const { values } = parseCommand(command, rest, options);
        for (const flag of ['host', 'port', 'security'] as const) {
          if (values[flag] === undefined) throw new UsageError(`upstream set needs --${flag}`, command);
        }
        if (values['password-stdin'] && values.user === undefined) throw new UsageError('--password-stdin needs --user', command);
        const input = {
          host: values.host ?? '',
          port: port(values.port ?? '', '--port', command),
          security: choice(values.security ?? '', '--security', command, SECURITIES),
          // "set" describes the whole smarthost: no --user means no login, and the host then drops the password.
          user: values.user ?? null,
          ...(values['password-stdin'] ? { password: await readPassword('--password-stdin') } : {}),
        };
        const api = await connect(dataDirOf(values));
        const upstream = await withFlags(api.call('upstream.setSmarthost', input), UPSTREAM_FLAGS);
        if (values.json) printJson(upstream);
        else print(`Upstream: ${describeUpstream(upstream)}. Check it with: relay-desk upstream test`);
        return 0;
      }
      case 'direct': {
        const { values } = parseCommand(command, rest, { port: { type: 'string' } });
        const input = values.port === undefined ? {} : { port: port(values.port, '--port', command) };
        const api = await connect(dataDirOf(values));
        const upstream = await withFlags(api.call('upstream.setDirect', input), UPSTREAM_FLAGS);
        if (values.json) printJson(upstream);
        else print(`Upstream: ${describeUpstream(upstream)}.`);
        return 0;
      }
      case 'test': {
        const { values } = parseCommand(command, rest, {});
        const api = await connect(dataDirOf(values));
        const result = await api.call('upstream.test', {});
        if (values.json) printJson(result);
        if (!result.ok) throw new CliError(result.response);
        if (!values.json) print(`OK: ${result.response}`);
        return 0;
      }
      case 'show': {
        const { values } = parseCommand(command, rest, {});
        const api = await connect(dataDirOf(values));
        const upstream = await api.call('upstream.get', {});
        if (values.json) printJson(upstream);
        else print(`Upstream: ${describeUpstream(upstream)}.`);
        return 0;
      }
    }
  },
};

export const statusGroup: CommandGroup = {
  name: 'status',
  subcommands: '',
  summary: 'the relay, its ports, its certificate, its upstream and its secrets',
  help: STATUS_HELP,
  async run(args) {
    const { values } = parseCommand('status', args, {});
    const api = await connect(dataDirOf(values));
    const [relay, server, upstream, secrets] = await Promise.all([
      api.call('relay.status', {}),
      api.call('server.get', {}),
      api.call('upstream.get', {}),
      api.call('secrets.storage', {}),
    ]);
    if (values.json) {
      printJson({ relay, server, upstream, secrets });
      return 0;
    }
    const lines = [`Relay: ${relay.status}, ${relay.queued} ${relay.queued === 1 ? 'message' : 'messages'} queued`];
    if (relay.problem) lines.push(`Problem: ${relay.problem}`);
    const lan = server.lanAddresses.length > 0 ? ` (LAN ${server.lanAddresses.join(', ')})` : '';
    lines.push(`Server: ${server.hostname}${lan}, listening on ${server.listenAddress}`, listenerTable(server, relay));
    const tls = server.tls;
    lines.push(tls ? `Certificate: ${tls.source}, for ${tls.names.join(', ')}, valid until ${when(tls.notAfter)}, offered as ${tls.algorithms.join(' and ')}` : 'Certificate: none');
    lines.push(`Upstream: ${describeUpstream(upstream)}`);
    lines.push(`Secrets: encrypted with a key kept in ${secrets.location}`);
    print(lines.join('\n'));
    return 0;
  },
};
