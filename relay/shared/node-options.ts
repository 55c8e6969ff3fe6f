/**
 * Node options every launcher starts the relay with (the host's fork and
 * utility process, the bench): a small young generation keeps ~12 MB less
 * resident; --expose-gc lets the relay collect the buffers of large messages
 * early (../gc-nudge.ts); the last three make V8 optimize the hot SMTP path
 * sooner and at less compile cost. The measurements behind each are in the
 * README's Benchmarks section ("The relay's Node options").
 *
 * A module that imports nothing: `relay-desk serve` forks the relay before
 * the host has loaded zod or any module of its own (../../electron/cli.ts),
 * and this is all the fork needs.
 */
export const RELAY_EXEC_ARGV: readonly string[] = [
  '--max-semi-space-size=4',
  '--expose-gc',
  '--interrupt-budget=8192',
  '--minimum-invocations-after-ic-update=50',
  '--max-inlined-bytecode-size-cumulative=230',
];
