#!/usr/bin/env node
/**
 * Start time of `relay-desk serve` (`npm run bench:start`, a script, not a
 * test): spawn to "SMTP relay listening" (issue 16: < 1.5 s), on a data
 * folder seeded with 10,000 users (bench/lib/seeded-host.mjs), the median of
 * --runs starts. With --dist=A,B it compares builds: each dist folder starts
 * on its own copy of the same seeded folder, the runs interleaved (A, B, A,
 * B, …) so that the other work on a shared machine weighs on both alike;
 * the load average is printed beside each figure. The first start of each
 * folder (which compacts users.jsonl and opens a new history) is a warm-up,
 * not counted. Needs the OS keychain: run inside scripts/with-keyring.sh.
 *
 * Usage: node bench/start.mjs [--dist=DIR[,DIR…]] [--runs=N] [--users=N]
 *   --dist=A,B   dist folders to compare (default: this tree's dist/). A copy
 *                elsewhere needs node_modules beside it (a symlink will do).
 *   --runs=N     measured starts per dist folder (default 9)
 * BENCH_CPU_PROF=1   one more start of each with --cpu-prof (host and relay); the folders are printed
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from './lib/api-call.mjs';
import { freePort, treeCpuSeconds } from './lib/proc.mjs';
import { cleanUp, cleanups, seed, startHost } from './lib/seeded-host.mjs';

const args = process.argv.slice(2);
const option = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const DISTS = (option('dist') ?? new URL('../dist', import.meta.url).pathname).split(',').map((d) => resolve(d));
const RUNS = Number(option('runs') ?? 9);
const USERS = Number(option('users') ?? 10_000);
const TARGET_SECONDS = 1.5;
const NAMES = 'ABCDEFGH';

const load = () => loadavg()[0] ?? NaN;

async function main() {
  if (![RUNS, USERS].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--runs and --users take positive whole numbers');
  console.log(`serve start benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, ${USERS.toLocaleString('en-US')} users`);
  const root = await mkdtemp(join(tmpdir(), 'relay-bench-start-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const smtpPort = await freePort();
  const seededDir = join(root, 'seeded');
  await mkdir(seededDir, { mode: 0o700 });
  await seed(seededDir, smtpPort, USERS);

  const builds = [];
  for (const [i, dist] of DISTS.entries()) {
    const dataDir = join(root, `data-${i}`);
    await cp(seededDir, dataDir, { recursive: true });
    builds.push({ dist, dataDir, cli: join(dist, 'electron/cli.js'), runs: /** @type {{ seconds: number, cpu: number, load: number }[]} */ ([]) });
  }

  const startOnce = async (build, profileDir = null) => {
    const loadBefore = load();
    const host = await startHost(build.dataDir, smtpPort, profileDir, build.cli);
    // The CPU it took (host and relay, read as the listening line is seen): steadier than the clock on a shared machine.
    const cpu = treeCpuSeconds(/** @type {number} */ (host.child.pid));
    await host.stop();
    return { seconds: host.startSeconds, cpu, load: loadBefore };
  };
  for (const build of builds) await startOnce(build);
  for (let run = 0; run < RUNS; run++) {
    for (const build of builds) {
      const result = await startOnce(build);
      build.runs.push(result);
      process.stdout.write(`${builds.length > 1 ? NAMES[builds.indexOf(build)] : ''}${result.seconds.toFixed(2)} `);
    }
  }
  console.log('\n');

  const rows = [['', 'dist', 'median s', 'min s', 'max s', 'CPU s (median)', 'load avg (1 min) at the starts', `< ${TARGET_SECONDS} s`]];
  for (const [i, build] of builds.entries()) {
    const seconds = build.runs.map((r) => r.seconds);
    const loads = build.runs.map((r) => r.load);
    const mid = median(seconds);
    rows.push([
      NAMES[i] ?? String(i),
      build.dist,
      mid.toFixed(2),
      Math.min(...seconds).toFixed(2),
      Math.max(...seconds).toFixed(2),
      median(build.runs.map((r) => r.cpu)).toFixed(2),
      `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (median ${median(loads).toFixed(1)})`,
      mid < TARGET_SECONDS ? 'PASS' : 'MISS',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows) console.log(r.map((cell, c) => (c <= 1 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
  console.log(`\nstart: spawn of \`relay-desk serve\` → its "SMTP relay listening" line; median of ${RUNS} starts per build, interleaved, after one warm-up start each.\nCPU s: user + system time of the host and its relay child when the line was seen (both processes use more than\n  one thread: it can exceed the clock time).`);

  if (process.env.BENCH_CPU_PROF) {
    for (const build of builds) {
      const profileDir = await mkdtemp(join(tmpdir(), 'relay-bench-start-prof-'));
      const { seconds } = await startOnce(build, profileDir);
      console.log(`CPU profiles of a ${seconds.toFixed(2)} s start of ${build.dist}: node bench/profile-summary.mjs ${profileDir}`);
    }
  }
}

try {
  await main();
} finally {
  await cleanUp();
}
