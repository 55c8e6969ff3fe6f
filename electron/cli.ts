#!/usr/bin/env node
/** `relay-desk` in Node: the program is ./cli/run.ts. */
import { runCli } from './cli/run.js';

// Piped into `head`, stdout may close early: that is not an error worth a line.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void runCli(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
});
