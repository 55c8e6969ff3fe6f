/**
 * What the Electron binary runs (package.json's main): a command line such
 * as `relay-desk serve` goes to the CLI, run headless (./headless.ts);
 * anything else opens the desktop app (./main.ts).
 */
import { GROUPS } from './cli/run.js';
import { isCommandLine, userArguments } from './headless-args.js';

const args = userArguments(process.argv, process.defaultApp);
if (isCommandLine(args, GROUPS.map((group) => group.name))) {
  const { runHeadless } = await import('./headless.js');
  runHeadless(args);
} else {
  // Awaited: Electron emits ready only after the entry's top-level await,
  // and main.ts registers its privileged scheme before ready.
  await import('./main.js');
}
