/**
 * `relay-desk serve`: runs the host itself (electron/serve.ts). Loaded
 * lazily so the other commands, which only talk to a running host, never
 * load the host's code.
 */
import { launchAhead, takeEarly, type RelayAhead } from '../host/relay-ahead.js';
import { parseStrict, UsageError, type CommandGroup } from './args.js';

const HELP = `Usage: relay-desk serve [options]

Runs the relay and the web admin on this computer until Ctrl-C.

Options:
  --data-dir DIR        where mail queue and settings live (default: the user's app data folder)
  --admin-port N        web admin port on 127.0.0.1 (default 7025; 0 picks a free port)
  --smtp-port N         the relay's port: 25, 80, 465, 587 or 1025-5000 (default 2525). It replaces
                        the default port when that is the only one; ports set up in the admin stay
  --upstream HOST:PORT  smarthost that relayed mail is handed to (saved in the settings)
  --dns HOST:PORT       DNS server for sender verification and direct delivery (default: the system's)
  --secrets keychain|file
                        where the key of the passwords and private keys must be: the OS keychain, or
                        a key file in the data folder (default: where this data folder keeps it; a new
                        one uses the keychain if one answers, else a key file, and says so). Moving an
                        existing folder's key is \`relay-desk secrets migrate\`.
  -h, --help            show this help
`;

export const serveGroup: CommandGroup = {
  name: 'serve',
  subcommands: '',
  summary: 'run the relay and the web admin on this computer',
  help: HELP,
  async run(args) {
    // Forked by the Node entry before any module of ours loaded (../cli.ts); the Electron binary's headless entry has none.
    const early = takeEarly();
    try {
      return await serveWith(args, early);
    } finally {
      early?.discard();
    }
  },
};

async function serveWith(args: string[], early: RelayAhead | null): Promise<number> {
  const { values, positionals } = parseStrict('serve', args, {
    'data-dir': { type: 'string' },
    'admin-port': { type: 'string' },
    'smtp-port': { type: 'string' },
    upstream: { type: 'string' },
    dns: { type: 'string' },
    secrets: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`, 'serve');
  // The relay starts before the host's modules load, so the two starts overlap (relay-ahead.ts).
  const relay = early ?? launchAhead(await (await import('../host/child-runtime.js')).relayLauncher());
  const { serve, parseServeOptions, ServeOptionsError } = await import('../serve.js');
  try {
    await serve(parseServeOptions(values), relay.launch);
  } catch (err) {
    // Bad values (a port out of range, a port in use) are the user's to fix, like any other flag.
    if (err instanceof ServeOptionsError) throw new UsageError(err.message, 'serve');
    throw err;
  } finally {
    relay.discard();
  }
  return 0;
}
