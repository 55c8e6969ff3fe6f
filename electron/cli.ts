#!/usr/bin/env node
/** `relay-desk` in Node: the program is ./cli/run.ts. */
import { wantsHelp } from './cli/args.js';
import { startEarly } from './host/relay-ahead.js';
import { launchWithNodeFork } from './host/relay-process.js';

const args = process.argv.slice(2);
// `serve` forks its relay first of all: the relay loads its modules while this process loads the CLI, zod and
// the host (~0.5 s of CPU each on the 2-core dev machine), instead of after them. Help is only printed.
if (args[0] === 'serve' && !wantsHelp(args)) startEarly(launchWithNodeFork);
// Loaded after the fork, not before it (a static import would load first).
const { runCli } = await import('./cli/run.js');

// Piped into `head`, stdout may close early: that is not an error worth a line.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void runCli(args).then((code) => {
  if (code !== 0) process.exitCode = code;
});
