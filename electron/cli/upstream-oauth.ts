/**
 * `relay-desk upstream oauth`: the smarthost signed in with OAuth 2.0 from a
 * terminal. The device flow (RFC 8628) prints the address and the code for
 * the admin to open on any device, the browser flow (RFC 8252) the address
 * to open in a browser on the host's computer (its answer comes back to the
 * host's loopback address); both wait for the host to say the sign-in is
 * done. The app-only flow signs in at once. The client secret is read from
 * standard input only, as passwords are.
 */
import { readFile } from 'node:fs/promises';
import type { ApiClient } from '../api/client.js';
import type { OAuthStatus } from '../api/schemas/oauth.js';
import { CliError, choice, dataDirOf, parseCommand, port, subcommand, UsageError } from './args.js';
import { connect, withFlags } from './connect.js';
import { print, printJson } from './output.js';
import { readPassword } from './read-password.js';

export const OAUTH_HELP = `  relay-desk upstream oauth --preset microsoft365|google|custom --client-id ID --user MAILBOX
        [--flow device|browser|app] [--tenant TENANT] [--client-secret-stdin | --certificate FILE --key FILE]
        [--host H --port P --security none|starttls|tls --token-url U --device-url U --auth-url U --scope S]   (custom only)
      log in to the smarthost with OAuth 2.0 as MAILBOX, through the app registration ID. The device
      flow (the default; Google: browser) prints an address and a code to enter there, and waits until
      you have signed in; --flow browser prints an address to open in a browser on the computer Relay
      Desk runs on, and waits; --flow app (Microsoft 365 app-only) uses the client secret read from
      standard input, or a certificate credential (PEM certificate and its RSA private key). Google allows no device flow for Gmail.
  relay-desk upstream oauth status
  relay-desk upstream oauth sign-out
      forget the sign-in (mail then waits in the queue until a new one)`;

const OAUTH_FLAGS = { preset: '--preset', flow: '--flow', clientId: '--client-id', user: '--user', clientSecret: '--client-secret-stdin', clientCertificate: '--certificate', smtp: '--host', endpoints: '--token-url', scope: '--scope' };
/** The device code's own lifetime bounds the wait; this only guards against a host that never says. */
const SIGN_IN_TIMEOUT_MS = 20 * 60_000;

function describe(status: OAuthStatus): string {
  switch (status.state) {
    case 'not-configured':
      return 'OAuth is not set up for the upstream (relay-desk upstream oauth --preset ...)';
    case 'signed-out':
      return `not signed in as ${status.user ?? '?'}${status.problem ? `: ${status.problem}` : ''}`;
    case 'sign-in-again':
      return `sign in again (relay-desk upstream oauth ...): ${status.problem ?? 'the provider ended the sign-in'}; mail waits in the queue`;
    case 'signed-in':
      return `signed in as ${status.account ?? status.user ?? '?'}, token valid until ${status.expiresAt ?? '?'}`;
  }
}

/** Waits for the host to report the sign-in's end: signed in, or the problem that ended it. */
function signInDone(api: ApiClient): { done: Promise<OAuthStatus>; stop: () => void } {
  let stop: () => void = () => undefined;
  const done = new Promise<OAuthStatus>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError('the sign-in did not finish in 20 minutes')), SIGN_IN_TIMEOUT_MS);
    const unsubscribe = api.on('upstream.oauth', (status) => {
      if (status.state === 'signed-in' || status.problem) resolve(status);
    });
    stop = () => {
      clearTimeout(timer);
      unsubscribe();
    };
  });
  return { done, stop };
}

async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`${flag} ${path} could not be read: ${(err as Error).message}`);
  }
}

export async function runUpstreamOAuth(args: string[]): Promise<number> {
  const first = args[0];
  const sub = first === 'status' || first === 'sign-out' ? subcommand('upstream oauth', args, ['status', 'sign-out']) : null;
  const command = sub ? `upstream oauth ${sub}` : 'upstream oauth';
  if (sub) {
    const { values } = parseCommand(command, args.slice(1), {});
    const api = await connect(dataDirOf(values));
    const status = await api.call(sub === 'status' ? 'upstream.oauthStatus' : 'upstream.oauthSignOut', {});
    if (values.json) printJson(status);
    else print(`Upstream OAuth: ${describe(status)}.`);
    return sub === 'status' && status.state !== 'signed-in' ? 1 : 0;
  }
  const options = {
    preset: { type: 'string' },
    flow: { type: 'string' },
    tenant: { type: 'string' },
    'client-id': { type: 'string' },
    user: { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    host: { type: 'string' },
    port: { type: 'string' },
    security: { type: 'string' },
    'token-url': { type: 'string' },
    'device-url': { type: 'string' },
    'auth-url': { type: 'string' },
    certificate: { type: 'string' },
    key: { type: 'string' },
    scope: { type: 'string' },
  } as const;
  const { values } = parseCommand(command, args, options);
  for (const flag of ['preset', 'client-id', 'user'] as const) {
    if (values[flag] === undefined) throw new UsageError(`upstream oauth needs --${flag}`, command);
  }
  if ((values.certificate === undefined) !== (values.key === undefined)) throw new UsageError('upstream oauth needs --certificate and --key together', command);
  const preset = choice(values.preset ?? '', '--preset', command, ['microsoft365', 'google', 'custom'] as const);
  const flow = choice(values.flow ?? (preset === 'google' ? 'browser' : 'device'), '--flow', command, ['device', 'browser', 'app'] as const);
  const custom =
    preset === 'custom'
      ? {
          ...(values.host && values.port && values.security
            ? { smtp: { host: values.host, port: port(values.port, '--port', command), security: choice(values.security, '--security', command, ['none', 'starttls', 'tls'] as const) } }
            : {}),
          ...(values['token-url'] ? { endpoints: { authorization: values['auth-url'] ?? null, token: values['token-url'], device: values['device-url'] ?? null } } : {}),
          ...(values.scope ? { scope: values.scope } : {}),
        }
      : {};
  const input = {
    preset,
    flow,
    clientId: values['client-id'] ?? '',
    user: values.user ?? '',
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values['client-secret-stdin'] ? { clientSecret: await readPassword('--client-secret-stdin') } : {}),
    ...(values.certificate && values.key ? { clientCertificate: { certificate: await readPem(values.certificate, '--certificate'), privateKey: await readPem(values.key, '--key') } } : {}),
    ...custom,
  };
  const api = await connect(dataDirOf(values));
  const saved = await withFlags(api.call('upstream.setOAuth', input), OAUTH_FLAGS);
  if (flow === 'app') {
    if (values.json) printJson(saved);
    else print(`Upstream OAuth: ${describe(saved)}.`);
    return saved.state === 'signed-in' ? 0 : 1;
  }
  // Subscribed before the sign-in starts, so its end is not missed.
  const waiting = signInDone(api);
  try {
    const started = await withFlags(api.call('upstream.oauthSignIn', {}), OAUTH_FLAGS);
    if (started.flow === 'device') {
      if (values.json) printJson(started);
      else print(`To sign in as ${input.user}, open ${started.verificationUri} and enter the code ${started.userCode} (valid until ${started.expiresAt}). Waiting...`);
    } else if (started.flow === 'browser') {
      if (values.json) printJson(started);
      else if (started.opened) print(`A browser was opened to sign in as ${input.user} (until ${started.expiresAt}); if it did not show, open ${started.authorizationUrl} there. Waiting...`);
      // The provider sends the browser back to the host's loopback address: only a browser on that computer reaches it.
      else print(`To sign in as ${input.user}, open ${started.authorizationUrl} in a browser on the computer Relay Desk runs on (until ${started.expiresAt}). Waiting...`);
    }
    const status = await waiting.done;
    if (values.json) printJson(status);
    else print(`Upstream OAuth: ${describe(status)}.`);
    return status.state === 'signed-in' ? 0 : 1;
  } finally {
    waiting.stop();
  }
}
