#!/usr/bin/env node
/**
 * `relay-desk`: the command line. `serve` runs the admin host, the relay
 * child and the web admin in plain Node; later commands talk to it.
 */
import { parseArgs } from 'node:util';
import { serve, ServeOptionsError, parseServeOptions } from './serve.js';

const USAGE = `Usage: relay-desk <command> [options]

Commands:
  serve    Run the relay and the web admin on this computer

Options for serve:
  --data-dir DIR        where mail queue and settings live (default: the user's app data folder)
  --admin-port N        web admin port on 127.0.0.1 (default 7025; 0 picks a free port)
  --smtp-port N         a relay port to listen on: 25, 80, 465, 587 or 1025-5000 (a fresh install uses 2525)
  --upstream HOST:PORT  smarthost that relayed mail is handed to (saved in the settings)
  --dns HOST:PORT       DNS server for sender verification and direct delivery (default: the system's)
  -h, --help            show this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      'admin-port': { type: 'string' },
      'smtp-port': { type: 'string' },
      upstream: { type: 'string' },
      dns: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  if (command !== 'serve') throw new ServeOptionsError(`unknown command "${command}"; run relay-desk --help`);
  await serve(parseServeOptions(values));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`relay-desk: ${message}\n`);
    process.exitCode = 2;
  },
);
