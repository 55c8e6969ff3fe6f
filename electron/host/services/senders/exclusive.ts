/**
 * Every change to senders runs one at a time per host (a service-wide queue
 * on top of the store's and the vault's own), so a check, a removal and a
 * confirmation never interleave their store and vault writes.
 */
import type { HostContext } from '../../context.js';

const queues = new WeakMap<HostContext, Promise<unknown>>();

/** Runs `change` after every earlier one on this host has settled. Never nest. */
export function exclusive<T>(ctx: HostContext, change: () => Promise<T>): Promise<T> {
  const run = (queues.get(ctx) ?? Promise.resolve()).then(change);
  queues.set(
    ctx,
    run.catch(() => undefined),
  );
  return run;
}
