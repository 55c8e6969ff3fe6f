/**
 * The "steady" rows of bench:relay and bench:relay-product (`--steady[=N]`):
 * every workload that has a warm-up again, after N warm-up messages, with its
 * own targets block. The relay is a long-running daemon, and after the default
 * rows' 300 warm-up messages V8 is still compiling during the measured batch.
 */
import { printTargets } from './report.mjs';

const STEADY = ' steady';

/** N of `--steady[=N]` (default 6,000), or 0 without the flag. @param {Iterable<string>} args */
export function steadyWarmup(args) {
  const arg = [...args].find((a) => a === '--steady' || a.startsWith('--steady='));
  return arg ? Number(arg.split('=')[1] ?? 6000) : 0;
}

/**
 * The workloads, then their steady copies when `warmup` > 0.
 * @template {{ name: string, warmup: number }} W @param {W[]} workloads @param {number} warmup @returns {W[]}
 */
export function withSteadyRows(workloads, warmup) {
  if (warmup <= 0) return workloads;
  return [...workloads, ...workloads.filter((w) => w.warmup > 0).map((w) => ({ ...w, name: `${w.name}${STEADY}`, warmup }))];
}

/** @param {{ workload: string }} row */
export function isSteadyRow(row) {
  return row.workload.endsWith(STEADY);
}

/**
 * The steady rows' targets, evaluated on them under their workloads' own names.
 * @param {any[]} summary @param {(rows: any[]) => any[]} evaluate @param {number} warmup the messages actually sent to warm up
 */
export function printSteadyTargets(summary, evaluate, warmup) {
  const steady = summary.filter(isSteadyRow);
  if (!steady.length) return;
  const renamed = steady.map((r) => ({ ...r, workload: r.workload.slice(0, -STEADY.length) }));
  printTargets(evaluate(renamed), `Targets at steady state ("steady" rows, after ${warmup} warm-up messages)`);
}
