/**
 * Reaching the Relay Desk that serves a data folder, with nothing for the
 * user to copy: its admin URL comes from <data>/host.json (written while it
 * runs) and its admin token from this OS user's keychain, under the
 * installation named in <data>/settings.json, or from the folder's key files
 * where it keeps its secrets in files. The token stays in memory: it is
 * never printed, never written anywhere by the CLI, and sent only to loopback.
 */
import { access, constants } from 'node:fs/promises';
import { ApiError, type MethodName } from '../api/contract.js';
import { createApiClient, type ApiClient, type ApiTransport } from '../api/client.js';
import { readEventStream } from '../api/event-stream.js';
import { HOST_FILE, readAdminToken, readSettingsHead, runningHost } from '../host/discovery.js';
import { TOKEN_FILE } from '../host/key-file.js';
import { KeychainUnavailableError } from '../host/secrets.js';
import { shellQuote } from '../host/shell-quote.js';
import { CliError } from './args.js';
import { errnoCode, oneLineErrorMessage } from '../../relay/shared/errors.js';

export function notRunning(dataDir: string): CliError {
  return new CliError(`Relay Desk is not running for ${dataDir}: start it with \`relay-desk serve --data-dir ${shellQuote(dataDir)}\``);
}

export async function connect(dataDir: string): Promise<ApiClient> {
  const { base, token } = await locateHost(dataDir);
  return createApiClient(httpTransport(base, token, dataDir));
}

/** The running host's loopback address and its admin token. */
export async function locateHost(dataDir: string): Promise<{ base: URL; token: string }> {
  await requireReadable(dataDir);
  const host = await runningHost(dataDir);
  if (!host) throw notRunning(dataDir);
  const base = new URL(host.url);
  if (!['127.0.0.1', '[::1]', 'localhost'].includes(base.hostname)) {
    throw new CliError(`${HOST_FILE} in ${dataDir} points at ${base.host}, which is not this computer; the admin token is only ever sent to 127.0.0.1.`);
  }
  return { base, token: await adminToken(dataDir) };
}

/** A folder of another user (a service's) is not "not running": say whose it is to be. */
async function requireReadable(dataDir: string): Promise<void> {
  try {
    await access(dataDir, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (errnoCode(err) !== 'EACCES') return;
    throw new CliError(
      `${dataDir} is private to the user that runs Relay Desk for it: run relay-desk as that user (for the system service: sudo -u relay-desk relay-desk ... --data-dir ${shellQuote(dataDir)}).`,
    );
  }
}

async function adminToken(dataDir: string): Promise<string> {
  const head = await readSettingsHead(dataDir).catch(() => null);
  if (!head) throw new CliError(`${dataDir} has no readable settings.json, so its admin token cannot be found; is it a Relay Desk data folder?`);
  let found: Awaited<ReturnType<typeof readAdminToken>>;
  try {
    found = await readAdminToken(head, dataDir);
  } catch (err) {
    if (err instanceof KeychainUnavailableError) throw new CliError(err.message);
    throw new CliError(`The admin token for ${dataDir} cannot be read: ${oneLineErrorMessage(err)}`);
  }
  if (found.token) return found.token;
  throw new CliError(
    found.where === 'file'
      ? `${dataDir} has no admin token in ${TOKEN_FILE}: start Relay Desk for it once, as the user that runs it.`
      : `This user's keychain holds no admin token for ${dataDir}: run relay-desk as the user (and in the desktop session) that runs Relay Desk for it.`,
  );
}

/** The contract over the host's loopback HTTP transport: POST api/call/<method>, events from api/events. */
function httpTransport(base: URL, token: string, dataDir: string): ApiTransport {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    async call(method: MethodName, input: unknown) {
      let res: Response;
      try {
        res = await fetch(new URL(`api/call/${method}`, base), {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch (err) {
        const code = errnoCode((err as { cause?: unknown }).cause);
        if (code === 'ECONNREFUSED' || code === 'ECONNRESET') throw notRunning(dataDir);
        throw new CliError(`Relay Desk at ${base.host} did not answer: ${oneLineErrorMessage((err as { cause?: unknown }).cause ?? err)}`);
      }
      if (res.status === 401) {
        throw new CliError(`Relay Desk at ${base.host} refused the admin token kept for ${dataDir}; restart it with \`relay-desk serve --data-dir ${shellQuote(dataDir)}\`.`);
      }
      try {
        return await res.json();
      } catch {
        throw new CliError(`Something at ${base.host} that is not Relay Desk answered (HTTP ${res.status}); restart Relay Desk for ${dataDir}.`);
      }
    },
    subscribe(listener) {
      const controller = new AbortController();
      const read = async () => {
        const res = await fetch(new URL('api/events', base), { headers, signal: controller.signal });
        if (!res.ok || !res.body) return;
        for await (const envelope of readEventStream(res.body)) listener(envelope.event, envelope.payload);
      };
      // Unsubscribing aborts the stream, and a host that stops ends it: neither is news to the listener.
      read().catch(() => undefined);
      return () => controller.abort();
    },
  };
}

/**
 * Runs an API call and, when the host refuses one field, names the flag the
 * user typed instead of the API's field ("--trusted", not "trustedClients").
 */
export async function withFlags<T>(call: Promise<T>, flags: Record<string, string>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const flag = err instanceof ApiError && err.field !== undefined ? flags[err.field] : undefined;
    if (!(err instanceof ApiError) || flag === undefined) throw err;
    // Invalid input already starts with "field: "; the flag replaces it.
    const message = err.message.startsWith(`${err.field ?? ''}: `) ? err.message.slice((err.field ?? '').length + 2) : err.message;
    throw new ApiError(err.code, `${flag}: ${message}`, err.field);
  }
}
