#!/usr/bin/env node
/**
 * Open-loop latency as offices send (issue 19), `npm run bench:open-loop`:
 * devices arriving at fixed offered rates (Poisson arrivals), each message a
 * new connection with STARTTLS and AUTH PLAIN (bench/lib/open-loop-gen.mjs),
 * latency from each message's scheduled start to the 250 after the dot.
 * Against the relay as the product runs it (`relay-desk serve`, DKIM on) and
 * Postfix with OpenDKIM (bench/lib/product-servers.mjs), a fresh server per
 * rate, after a short warm-up at the same rate. Prints p50, p99, p99.9, max
 * and whether each server kept up, and the rate at which each fell behind.
 * Needs root (Postfix) and the keyring (scripts/with-keyring.sh).
 *
 * Usage: node bench/open-loop.mjs [--rates=50,200,500] [--seconds=30] [--warmup=3] [--no-postfix] [--haraka] [--ceiling]
 *   --haraka     also Haraka (bench/lib/haraka.mjs), the Node peer
 *   --seconds=S  offered load per rate and server (30 by default; 5 for a smoke run)
 *   --ceiling    also the bare Node responder (STARTTLS and AUTH, nothing else)
 * BENCH_CPU_PROF=1 writes CPU profiles of the host and relay (bench/profile-summary.mjs).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGenerator } from './lib/loadgen-client.mjs';
import { machineSpeedLine } from './lib/machine-speed.mjs';
import { PRODUCT_FROM, prepareProduct, startProductServer } from './lib/product-servers.mjs';
import { printColumns, printTargets } from './lib/report.mjs';
import { cleanUp, cleanups } from './lib/seeded-host.mjs';
import { startSink } from './lib/sink.mjs';

const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const rates = (flag('rates') ?? '50,200,500').split(',').map(Number);
const seconds = Number(flag('seconds') ?? 30);
const warmup = Number(flag('warmup') ?? 3);
const kinds = [
  'host',
  ...(args.includes('--no-postfix') ? [] : ['postfix-dkim']),
  ...(args.includes('--haraka') ? ['haraka'] : []),
  ...(args.includes('--ceiling') ? ['ceiling'] : []),
];
const NAMES = /** @type {Record<string, string>} */ ({ host: 'relay-desk serve', 'postfix-dkim': 'postfix+opendkim', haraka: 'haraka', ceiling: 'node ceiling' });
const profileDir = process.env.BENCH_CPU_PROF ? await mkdtemp(join(tmpdir(), 'relay-bench-prof-')) : null;
const generatorPath = fileURLToPath(new URL('lib/open-loop-gen.mjs', import.meta.url));

/**
 * Kept up: at least 95% of the offered messages answered within the offered
 * window, none failed, and the in-flight backlog of the last quarter no more
 * than twice that of the second quarter (plus a few): a backlog that grows is
 * a server falling behind even when it still answers.
 */
function keptUp(r) {
  const q = Math.max(1, Math.floor(r.inFlightPerSecond.length / 4));
  const peak = (/** @type {number[]} */ a) => Math.max(0, ...a);
  const early = peak(r.inFlightPerSecond.slice(q, 2 * q));
  const late = peak(r.inFlightPerSecond.slice(-q));
  const failed = r.offered - r.completed;
  return { ok: r.completedInWindow >= 0.95 * r.offered && failed === 0 && late <= 2 * early + 5, early, late, failed };
}

async function main() {
  console.log(`Open loop: rates ${rates.join(', ')} msg/s, ${seconds} s each (after ${warmup} s warm-up), a new connection per message with STARTTLS + AUTH PLAIN, DKIM signing on`);
  console.log(machineSpeedLine('at the start'));
  const sink = await startSink();
  cleanups.push(() => sink.stop());
  const product = await prepareProduct(sink.port, 20);
  const rows = [];
  for (const rate of rates) for (const kind of kinds) {
    process.stdout.write(`${rate}/s ${NAMES[kind]}… `);
    const server = await startProductServer(/** @type {any} */ (kind), product, profileDir);
    // One generator process for the warm-up and the measured run, so that its own JIT is warm too.
    const generator = startGenerator(generatorPath);
    try {
      const job = { host: '127.0.0.1', port: server.port, rate, auth: { user: product.user, password: product.password }, size: 10 * 1024, from: PRODUCT_FROM, to: 'rcpt@sink.example' };
      if (warmup > 0) await generator.run({ ...job, seconds: warmup });
      const cpuBefore = server.cpuSeconds();
      const r = await generator.run({ ...job, seconds });
      const cpuMsPerMessage = ((server.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, r.completed);
      const k = keptUp(r);
      rows.push({ rate, kind, ...r, ...k, cpuMsPerMessage });
      console.log(`${r.completed}/${r.offered} answered, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms${k.ok ? '' : ', fell behind'}`);
    } finally {
      await generator.close();
      await server.stop();
    }
  }
  console.log(machineSpeedLine('at the end'));

  console.log('');
  printColumns(
    ['offered/s', 'server', 'messages', 'answered in window', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'failed', 'in flight (2nd → last quarter)', 'kept up', 'CPU ms/msg', 'generator ms/msg', 'generator loop delay p99 / max ms'],
    rows.map((r) => [
      String(r.rate), NAMES[r.kind] ?? r.kind, String(r.offered), `${((r.completedInWindow / r.offered) * 100).toFixed(0)}%`,
      r.p50.toFixed(1), r.p99.toFixed(1), r.p999.toFixed(1), r.max.toFixed(1), String(r.failed), `${r.early} → ${r.late}`, r.ok ? 'yes' : 'NO', r.cpuMsPerMessage.toFixed(2), r.generatorCpuMsPerMessage.toFixed(2),
      `${r.generatorLoopDelay.p99.toFixed(1)} / ${r.generatorLoopDelay.max.toFixed(1)}`,
    ]),
    [1],
  );
  console.log('\nLatency: scheduled start (Poisson arrival) → the 250 after the dot; connecting, STARTTLS and AUTH are in it.');
  console.log('CPU ms/msg: the server\'s CPU (all its processes) while the generator ran, per answered message; generator ms/msg:');
  console.log('  the load generator\'s own, which shares the 2 cores with the server. generator loop delay: how late its event');
  console.log('  loop ran (monitorEventLoopDelay), the delay the instrument adds to replies it has already received.');
  console.log('\nWhere the time goes: each step\'s p50 / p99 in ms, timed from the end of the step before (the first from the scheduled start)');
  const stepNames = rows[0]?.steps.map((s) => s.name) ?? [];
  printColumns(['offered/s', 'server', ...stepNames], rows.map((r) => [String(r.rate), NAMES[r.kind] ?? r.kind, ...r.steps.map((s) => `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)}`)]), [1]);
  for (const r of rows) if (Object.keys(r.errors).length) console.log(`note ${r.rate}/s ${NAMES[r.kind]}: ${JSON.stringify(r.errors)}`);
  for (const kind of kinds) {
    const behind = rows.filter((r) => r.kind === kind && !r.ok).map((r) => r.rate);
    console.log(`${NAMES[kind]}: ${behind.length ? `falls behind at ${Math.min(...behind)} msg/s` : `kept up at every rate tried (up to ${Math.max(...rates)} msg/s)`}`);
  }

  const targets = [];
  const at200 = rows.find((r) => r.kind === 'host' && r.rate === 200);
  if (at200) {
    targets.push({ name: '200/s: relay p99 < 15 ms', measured: `${at200.p99.toFixed(1)} ms`, pass: at200.p99 < 15 });
    targets.push({ name: '200/s: relay max < 100 ms', measured: `${at200.max.toFixed(1)} ms`, pass: at200.max < 100 });
  }
  for (const rate of rates) {
    const host = rows.find((r) => r.kind === 'host' && r.rate === rate);
    const peer = rows.find((r) => r.kind === 'postfix-dkim' && r.rate === rate);
    if (host?.ok && peer?.ok) targets.push({ name: `${rate}/s: relay p99 below Postfix+OpenDKIM's`, measured: `${host.p99.toFixed(1)} vs ${peer.p99.toFixed(1)} ms`, pass: host.p99 < peer.p99 });
  }
  if (targets.length) printTargets(targets, 'Targets (issue 19), open loop');
  if (profileDir) console.log(`\nCPU profiles: ${profileDir} (node bench/profile-summary.mjs ${profileDir})`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
