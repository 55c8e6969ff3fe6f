#!/usr/bin/env node
/**
 * Relay throughput benchmark (`npm run bench:relay`): the real relay child
 * and a private Postfix 3.7, side by side in the same run, both relaying 10 KB
 * messages from the same load generator (bench/loadgen.mjs, a separate
 * process) to the same local sink (smtp-sink). Prints one table and the relay
 * issue's targets with PASS/MISS; exits non-zero only on errors.
 *
 * Usage: node bench/relay.mjs [--quick] [--repeat=N] [--only=W1,W2,W3,W3-20MB] [--no-postfix] [--postfix-large] [--no-ceiling]
 *   --quick          a quarter of the messages (a smoke run; figures are noisier)
 *   --repeat=N       run every row N times, interleaved, and report medians (a shared machine is noisy)
 *   --only=...       just these workloads
 *   --no-postfix     relay rows only (no comparison targets)
 *   --postfix-large  also run Postfix on the 20 MB workload
 *   --no-ceiling     leave out the ceiling rows (bench/lib/ceiling-server.mjs: fixed replies, no parsing, no disk),
 *                    whose msg/s each relay row is printed as a share of
 *   --warmup=N       N warm-up messages per 10 KB row instead of 300
 *   --steady[=N]     also run every 10 KB workload after N warm-up messages (default 6,000), as a
 *                    separate "steady" row set with its own targets: a relay is a long-running daemon,
 *                    and 300 messages leave its JIT still compiling during the measured batch
 *   --no-history     leave out the "W2 +history" row
 *   --history-dir=D  record that row's events into a copy of D's history.sqlite3 (a month's history:
 *                    npm run bench:history -- --keep prints its folder) instead of an empty one
 * BENCH_CPU_PROF=1   write a CPU profile of each relay run (see bench/profile-summary.mjs)
 *
 * The "W2 +history" row is W2 with the host's side of the events too: every
 * event the relay sends is recorded into a message history in this process
 * (bench/lib/history-recorder.mjs), as the host records it, and its own
 * targets say whether the relay's figures stayed the same and the history
 * kept up.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecorder } from './lib/history-recorder.mjs';
import { startCeiling } from './lib/ceiling.mjs';
import { startLoadgen } from './lib/loadgen-client.mjs';
import { machineSpeedLine } from './lib/machine-speed.mjs';
import { startPostfix } from './lib/postfix.mjs';
import { sampleTreePeak, treeCpuSeconds, waitUntil } from './lib/proc.mjs';
import { BENCH_DOMAIN, BENCH_PASSWORD, BENCH_USER, startRelay } from './lib/relay-child.mjs';
import { evaluateTargets, medianRows, printTable, printTargets } from './lib/report.mjs';
import { startSink } from './lib/sink.mjs';
import { isSteadyRow, printSteadyTargets, steadyWarmup, withSteadyRows } from './lib/steady-rows.mjs';

const KB = 1024;
const MB = 1024 * KB;
const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const quick = args.has('--quick');
const withPostfix = !args.has('--no-postfix');
const withCeiling = !args.has('--no-ceiling');
const scale = quick ? 0.25 : 1;
const repeat = Math.max(1, Number([...args].find((a) => a.startsWith('--repeat='))?.slice('--repeat='.length) ?? 1));
const warmupOverride = [...args].find((a) => a.startsWith('--warmup='))?.slice('--warmup='.length);
const steadyWarmupMessages = steadyWarmup(args);
const HISTORY = ' +history';
const withHistory = !args.has('--no-history');
const historyDir = [...args].find((a) => a.startsWith('--history-dir='))?.slice('--history-dir='.length) ?? null;

/**
 * The issue's workloads. Warm-up messages (same shape, not measured) let the
 * relay's JIT and Postfix's process pool settle before the measured batch.
 */
const workloads = withSteadyRows([
  { name: 'W1', clients: 20, reuse: false, size: 10 * KB, messages: 2000, warmup: 300 },
  { name: 'W2', clients: 20, reuse: true, size: 10 * KB, messages: 2000, warmup: 300 },
  { name: 'W3', clients: 100, reuse: false, size: 10 * KB, messages: 3000, warmup: 300 },
  // W3-shaped with 20 MB messages: one per client, all 100 in flight at once, to show RSS stays flat.
  { name: 'W3-20MB', clients: 100, reuse: false, size: 20 * MB, messages: 100, warmup: 0 },
]
  .filter((w) => !only || only.includes(w.name))
  .map((w) => (warmupOverride !== undefined && w.warmup > 0 ? { ...w, warmup: Number(warmupOverride) } : w)),
  // The steady rows: the same workloads, servers and batches, only after a long warm-up.
  steadyWarmupMessages,
);
// The fastest workload again, its events recorded into a message history as the host does, run right
// after W2, the row its targets compare it with, so that the machine's drift between the two is least.
const w2 = workloads.findIndex((w) => w.name === 'W2');
if (withHistory && w2 >= 0) workloads.splice(w2 + 1, 0, { ...workloads[w2], name: `W2${HISTORY}`, history: true });

const profileDir = process.env.BENCH_CPU_PROF ? mkdtempSync(join(tmpdir(), 'relay-bench-prof-')) : null;
const now = () => performance.timeOrigin + performance.now();

/** What must be stopped if the bench is interrupted: a Postfix left running would hold its port and folder. */
const running = new Set();
async function track(started) {
  const item = await started;
  running.add(item);
  return {
    ...item,
    stop: async () => {
      running.delete(item);
      await item.stop();
    },
  };
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the relay, Postfix and the sink…`);
    void Promise.allSettled([...running].map((item) => item.stop())).then(() => process.exit(130));
  });
}

/**
 * One row: a fresh server (relay process or Postfix instance), a warm-up,
 * then the measured batch, timed until the sink holds every accepted message.
 */
async function runOne(workload, serverKind, mode, sink) {
  const recorder = workload.history ? await openRecorder(historyDir) : null;
  const onEvents = recorder ? (events) => recorder.record(events) : undefined;
  const server = await track(
    serverKind === 'relay' ? startRelay({ sinkPort: sink.port, mode, profileDir, onEvents }) : serverKind === 'ceiling' ? startCeiling() : startPostfix(sink.port),
  );
  // The ceiling delivers nothing: its rows have no delivered figures.
  const delivers = serverKind !== 'ceiling';
  const big = workload.size >= MB;
  const job = {
    host: '127.0.0.1',
    port: server.port,
    clients: workload.clients,
    reuse: workload.reuse,
    auth: mode === 'auth' ? { user: BENCH_USER, password: BENCH_PASSWORD } : null,
    size: workload.size,
    from: `sender@${BENCH_DOMAIN}`,
    to: 'rcpt@sink.example',
    deadlineMs: big ? 600_000 : 180_000,
  };
  const drainMs = big ? 600_000 : 180_000;
  const notes = [];
  const loadgen = startLoadgen();
  try {
    const warmupCount = Math.round(workload.warmup * scale);
    if (warmupCount > 0) {
      const warmBase = sink.count();
      const warm = await loadgen.run({ ...job, messages: warmupCount });
      if (warm.accepted < warmupCount) notes.push(`warm-up: ${warm.accepted}/${warmupCount} accepted: ${JSON.stringify(warm.errors)}`);
      if (delivers) await sink.waitFor(warmBase + warm.accepted, drainMs);
    }
    const base = sink.count();
    const sampler = serverKind === 'postfix' ? sampleTreePeak(server.pid) : null;
    const cpuBefore = treeCpuSeconds(server.pid);
    const messages = Math.max(workload.clients, Math.round(workload.messages * scale));
    // Only the relay reports deliveries (Postfix and the ceiling have no counts).
    const finished = () => (server.counts ? server.counts.delivered + server.counts.bounced : 0);
    const finishedBefore = finished();
    recorder?.start();
    const result = await loadgen.run({ ...job, messages });
    const doneAt = delivers ? await sink.waitFor(base + result.accepted, drainMs) : NaN;
    // The relay reports a delivery just after the sink has it: wait for every message's last event.
    if (recorder) await waitUntil(() => finished() >= finishedBefore + result.accepted, 10_000);
    const history = recorder ? await recorder.finish() : null;
    const peakRss = sampler ? sampler.stop() : server.peakRss();
    const cpuMs = (treeCpuSeconds(server.pid) - cpuBefore) * 1000;
    if (Object.keys(result.errors).length) notes.push(`errors: ${JSON.stringify(result.errors)}`);
    if (doneAt === null) notes.push(`sink got ${sink.count() - base} of ${result.accepted} within ${drainMs / 1000} s`);
    if (serverKind === 'relay' && server.problems.length) notes.push(`relay events: ${JSON.stringify(server.problems.slice(0, 2))}`);
    const seconds = (/** @type {number} */ end) => (end - result.firstConnect) / 1000;
    return {
      workload: workload.name,
      server: serverKind,
      mode,
      size: workload.size,
      attempted: result.attempted,
      accepted: result.accepted,
      delivered: delivers ? sink.count() - base : 0,
      acceptedRate: result.accepted / seconds(result.lastAccept),
      deliveredRate: doneAt === null || !delivers ? NaN : result.accepted / seconds(doneAt),
      p50: result.p50,
      p99: result.p99,
      p99Settled: result.p99Settled,
      cpuPerMessage: result.accepted ? cpuMs / result.accepted : NaN,
      loadgenCpuPerMessage: result.cpuPerMessage,
      peakRss,
      rssKind: sampler ? 'pss-sum' : 'vmhwm',
      history,
      notes,
    };
  } finally {
    await loadgen.close();
    await server.stop();
    await recorder?.close();
  }
}

/** The relay's figures with and without the history, and whether the history kept up with the relay's events. */
function historyTargets(row, rows) {
  const plain = rows.find((r) => r.workload === row.workload.slice(0, -HISTORY.length) && r.server === 'relay' && r.mode === row.mode);
  const h = row.history;
  const out = [];
  if (plain) {
    const x = row.acceptedRate / plain.acceptedRate;
    out.push({ name: `${row.workload}: accepted within 10% of the same run without`, measured: `${Math.round(row.acceptedRate)} vs ${Math.round(plain.acceptedRate)} msg/s = ${(x * 100).toFixed(0)}%`, pass: x >= 0.9 });
    out.push({ name: `${row.workload}: relay CPU per message within 10%`, measured: `${row.cpuPerMessage.toFixed(2)} vs ${plain.cpuPerMessage.toFixed(2)} ms`, pass: row.cpuPerMessage <= plain.cpuPerMessage * 1.1 });
  }
  if (h) {
    const relayRate = h.events / h.seconds;
    const capacity = h.events / h.cpuSeconds;
    out.push({ name: `${row.workload}: every event recorded, none waiting past the backlog bound`, measured: `${h.events} events, deepest backlog ${h.deepest}, ${h.skipped} not recorded`, pass: h.skipped === 0 });
    out.push({ name: `${row.workload}: the history's intake ≥ 1.5× the relay's event rate`, measured: `${Math.round(capacity)} events per CPU second vs ${Math.round(relayRate)} events/s from the relay`, pass: capacity >= 1.5 * relayRate });
    out.push({ name: `${row.workload}: backlog written within 1 s of the last event`, measured: `${h.drainMs.toFixed(0)} ms`, pass: h.drainMs < 1000 });
  }
  return out;
}

async function main() {
  const started = now();
  console.log(`Relay benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}${quick ? ', --quick' : ''}`);
  console.log(machineSpeedLine('at the start'));
  const sink = await track(startSink());
  const rows = [];
  try {
    // Repeats are interleaved (all rows, then all rows again) so drift on a shared machine hits every row alike.
    for (let round = 1; round <= repeat; round++) for (const w of workloads) {
      const big = w.size >= MB;
      const plan = w.history ? [['relay', 'trusted']] : [
        ['relay', 'trusted'],
        ...(big ? [] : [['relay', 'auth']]),
        ...(withPostfix && (!big || args.has('--postfix-large')) ? [['postfix', 'trusted']] : []),
        ...(withCeiling && !big ? [['ceiling', 'trusted']] : []),
      ];
      for (const [server, mode] of plan) {
        process.stdout.write(`${repeat > 1 ? `[${round}/${repeat}] ` : ''}${w.name} ${server} ${mode}… `);
        const row = await runOne(w, server, mode, sink);
        console.log(`${Math.round(row.acceptedRate)} accepted/s, ${Math.round(row.deliveredRate)} delivered/s, p99 ${row.p99.toFixed(1)} ms`);
        rows.push(row);
      }
    }
  } finally {
    await sink.stop();
  }
  console.log(machineSpeedLine('at the end'));
  console.log('');
  const summary = medianRows(rows);
  if (repeat > 1) console.log(`Each row: median of ${repeat} runs (peak RSS: the highest; messages: all runs).`);
  printTable(summary);
  const recorded = summary.filter((r) => r.workload.endsWith(HISTORY));
  printTargets(
    evaluateTargets(summary.filter((r) => !isSteadyRow(r) && !recorded.includes(r))),
    `Targets (relay issue), 10 KB rows after ${Math.round(Number(warmupOverride ?? 300) * scale)} warm-up messages`,
  );
  for (const r of recorded) printTargets(historyTargets(r, summary), `With the history recording every event (issue 15)${historyDir ? `, into a copy of ${historyDir}` : ', into an empty history'}`);
  printSteadyTargets(summary, evaluateTargets, Math.round(steadyWarmupMessages * scale));
  if (profileDir) console.log(`\nCPU profiles of the relay runs: ${profileDir} (node bench/profile-summary.mjs ${profileDir})`);
  console.log(`\nTotal bench time ${((now() - started) / 1000).toFixed(0)} s.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
