#!/usr/bin/env node
/**
 * The relay as the product runs it (issue 19), `npm run bench:relay-product`:
 * `relay-desk serve` with a verified domain and its DKIM key (every message
 * signed), each client logging in with AUTH PLAIN after STARTTLS; beside it
 * Postfix with OpenDKIM doing the same work, Haraka (the Node peer, when
 * bench/install-bench-packages.sh has installed it) and the bare Node responder as
 * the ceiling (bench/lib/product-servers.mjs). W1, W2 and W3 as in
 * bench/relay.mjs, rows interleaved, medians of --repeat. CPU per message:
 * host + relay summed, against all Postfix processes + OpenDKIM summed.
 * After each row the sink's dump says how many delivered messages carry a
 * DKIM-Signature. Needs root (Postfix) and the keyring (scripts/with-keyring.sh).
 *
 * Usage: node bench/relay-product.mjs [--quick] [--repeat=N] [--only=W1,W2,W3] [--steady[=N]] [--no-postfix] [--no-haraka] [--no-ceiling] [--users=N]
 *   --steady[=N]  also run every workload after N warm-up messages (default 6,000) as "steady" rows with
 *                 their own targets, as bench:relay does: the product's relay runs for days, and after 300
 *                 warm-up messages V8 is still compiling its code during the measured batch
 * BENCH_CPU_PROF=1 writes CPU profiles of the host and relay (bench/profile-summary.mjs).
 */
import { chmod, mkdtemp, open, rm, truncate } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { harakaInstalled } from './lib/haraka.mjs';
import { startLoadgen } from './lib/loadgen-client.mjs';
import { machineSpeedLine } from './lib/machine-speed.mjs';
import { PRODUCT_FROM, prepareProduct, startProductServer } from './lib/product-servers.mjs';
import { medianRows, printTable, printTargets } from './lib/report.mjs';
import { cleanUp, cleanups } from './lib/seeded-host.mjs';
import { startSink } from './lib/sink.mjs';
import { isSteadyRow, printSteadyTargets, steadyWarmup, withSteadyRows } from './lib/steady-rows.mjs';

const args = process.argv.slice(2);
const flag = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const only = flag('only')?.split(',');
const scale = args.includes('--quick') ? 0.25 : 1;
const repeat = Math.max(1, Number(flag('repeat') ?? 1));
const users = Number(flag('users') ?? 20);
const steadyWarmupMessages = steadyWarmup(args);
const kinds = /** @type {const} */ (['host', 'postfix-dkim', 'haraka', 'ceiling']).filter(
  (k) =>
    !(k === 'postfix-dkim' && args.includes('--no-postfix')) &&
    !(k === 'ceiling' && args.includes('--no-ceiling')) &&
    !(k === 'haraka' && (args.includes('--no-haraka') || !harakaInstalled())),
);
const profileDir = process.env.BENCH_CPU_PROF ? await mkdtemp(join(tmpdir(), 'relay-bench-prof-')) : null;

const KB = 1024;
const WARMUP = 300;
const workloads = withSteadyRows(
  [
    { name: 'W1', clients: 20, reuse: false, messages: 2000, warmup: WARMUP },
    { name: 'W2', clients: 20, reuse: true, messages: 2000, warmup: WARMUP },
    { name: 'W3', clients: 100, reuse: false, messages: 3000, warmup: WARMUP },
  ].filter((w) => !only || only.includes(w.name)),
  steadyWarmupMessages,
);

/** How many messages in the dump past `offset` there are, and how many carry a DKIM-Signature. @param {string} file @param {number} offset */
async function signedSince(file, offset) {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    const text = buffer.toString('latin1');
    return { size, messages: (text.match(/^X-Mail-Args:/gm) ?? []).length, signed: (text.match(/^DKIM-Signature:/gim) ?? []).length };
  } finally {
    await handle.close();
  }
}

/** One row: a fresh server, warm-up, the measured batch, until the sink holds every accepted message. */
async function runOne(workload, kind, product, sink, dump) {
  const server = await startProductServer(kind, product, profileDir);
  const job = {
    host: '127.0.0.1',
    port: server.port,
    clients: workload.clients,
    reuse: workload.reuse,
    starttls: true,
    auth: { user: product.user, password: product.password },
    size: 10 * KB,
    from: PRODUCT_FROM,
    to: 'rcpt@sink.example',
    deadlineMs: 180_000,
  };
  const delivers = kind !== 'ceiling';
  const notes = [];
  const loadgen = startLoadgen();
  try {
    const warmup = Math.round(workload.warmup * scale);
    const warmBase = sink.count();
    const warm = await loadgen.run({ ...job, messages: warmup });
    if (warm.accepted < warmup) notes.push(`warm-up: ${warm.accepted}/${warmup} accepted: ${JSON.stringify(warm.errors)}`);
    if (delivers) await sink.waitFor(warmBase + warm.accepted, 180_000);
    const dumpStart = (await signedSince(dump, 0)).size;
    const base = sink.count();
    const rss = server.watchRss();
    const cpuBefore = server.cpuSeconds();
    const hostBefore = server.hostCpuSeconds?.() ?? 0;
    const result = await loadgen.run({ ...job, messages: Math.max(workload.clients, Math.round(workload.messages * scale)) });
    const doneAt = delivers ? await sink.waitFor(base + result.accepted, 180_000) : NaN;
    const cpuMs = (server.cpuSeconds() - cpuBefore) * 1000;
    const hostMs = ((server.hostCpuSeconds?.() ?? 0) - hostBefore) * 1000;
    const peakRss = rss.stop();
    if (Object.keys(result.errors).length) notes.push(`errors: ${JSON.stringify(result.errors)}`);
    if (doneAt === null) notes.push(`sink got ${sink.count() - base} of ${result.accepted} within 180 s`);
    const dumped = await signedSince(dump, dumpStart);
    if (delivers) notes.push(`${dumped.signed} of ${dumped.messages} delivered messages DKIM-signed`);
    if (server.hostCpuSeconds && result.accepted) notes.push(`CPU per message: host ${(hostMs / result.accepted).toFixed(2)} ms + relay ${((cpuMs - hostMs) / result.accepted).toFixed(2)} ms`);
    const seconds = (/** @type {number} */ end) => (end - result.firstConnect) / 1000;
    return {
      workload: workload.name,
      server: kind,
      mode: 'tls+auth',
      size: job.size,
      attempted: result.attempted,
      accepted: result.accepted,
      delivered: delivers ? sink.count() - base : 0,
      signed: dumped.signed,
      acceptedRate: result.accepted / seconds(result.lastAccept),
      deliveredRate: doneAt === null || !delivers ? NaN : result.accepted / seconds(doneAt),
      p50: result.p50,
      p99: result.p99,
      p99Settled: result.p99Settled,
      cpuPerMessage: result.accepted ? cpuMs / result.accepted : NaN,
      loadgenCpuPerMessage: result.cpuPerMessage,
      peakRss,
      rssKind: kind === 'ceiling' ? 'vmhwm' : 'pss-sum',
      notes,
    };
  } finally {
    await loadgen.close();
    await server.stop();
  }
}

/** The issue's targets for these rows: msg/s ≥ 1.2× Postfix+OpenDKIM, CPU ≤ 0.6× theirs, ≥ 1.5× Haraka with less CPU, W2 ≤ 1.5 ms/message. */
function targets(rows) {
  const out = [];
  for (const w of ['W1', 'W2', 'W3']) {
    const host = rows.find((r) => r.workload === w && r.server === 'host');
    const peer = rows.find((r) => r.workload === w && r.server === 'postfix-dkim');
    if (!host) continue;
    if (peer) {
      for (const key of /** @type {const} */ (['acceptedRate', 'deliveredRate'])) {
        const x = host[key] / peer[key];
        out.push({ name: `${w}: ${key === 'acceptedRate' ? 'accepted' : 'delivered'} ≥ 1.2× Postfix+OpenDKIM`, measured: `${Math.round(host[key])} vs ${Math.round(peer[key])} msg/s = ${x.toFixed(2)}×`, pass: x >= 1.2 });
      }
      const c = host.cpuPerMessage / peer.cpuPerMessage;
      out.push({ name: `${w}: CPU per message ≤ 0.6× Postfix+OpenDKIM's`, measured: `${host.cpuPerMessage.toFixed(2)} vs ${peer.cpuPerMessage.toFixed(2)} ms = ${c.toFixed(2)}×`, pass: c <= 0.6 });
    }
    const haraka = rows.find((r) => r.workload === w && r.server === 'haraka');
    if (haraka) {
      const x = host.acceptedRate / haraka.acceptedRate;
      out.push({ name: `${w}: accepted ≥ 1.5× Haraka`, measured: `${Math.round(host.acceptedRate)} vs ${Math.round(haraka.acceptedRate)} msg/s = ${x.toFixed(2)}×`, pass: x >= 1.5 });
      out.push({ name: `${w}: CPU per message below Haraka's`, measured: `${host.cpuPerMessage.toFixed(2)} vs ${haraka.cpuPerMessage.toFixed(2)} ms`, pass: host.cpuPerMessage < haraka.cpuPerMessage });
    }
    if (w === 'W2') out.push({ name: 'W2: host + relay CPU ≤ 1.5 ms per message (DKIM on)', measured: `${host.cpuPerMessage.toFixed(2)} ms`, pass: host.cpuPerMessage <= 1.5 });
  }
  return out;
}

async function main() {
  console.log(`Relay as the product runs it: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}${scale < 1 ? ', --quick' : ''}`);
  console.log(machineSpeedLine('at the start'));
  // The sink runs as nobody (smtp-sink will not run as root): its dump goes in a folder it may write.
  const dumpDir = await mkdtemp(join(tmpdir(), 'relay-bench-dump-'));
  await chmod(dumpDir, 0o777);
  cleanups.push(() => rm(dumpDir, { recursive: true, force: true }));
  const dump = join(dumpDir, 'sink.dump');
  const sink = await startSink({ dumpFile: dump });
  cleanups.push(() => sink.stop());
  const product = await prepareProduct(sink.port, users);
  const rows = [];
  for (let round = 1; round <= repeat; round++) for (const w of workloads) for (const kind of kinds) {
    process.stdout.write(`${repeat > 1 ? `[${round}/${repeat}] ` : ''}${w.name} ${kind}… `);
    const row = await runOne(w, kind, product, sink, dump);
    console.log(`${Math.round(row.acceptedRate)} accepted/s, CPU ${row.cpuPerMessage.toFixed(2)} ms/msg, p99 ${row.p99.toFixed(1)} ms`);
    rows.push(row);
    // The dump is only for counting signatures: emptied between rows so it never fills the disk.
    await truncate(dump, 0);
  }
  console.log(machineSpeedLine('at the end'));
  console.log('');
  if (repeat > 1) console.log(`Each row: median of ${repeat} runs.`);
  const summary = medianRows(rows);
  printTable(summary, true);
  console.log(
    '\nHere every row is STARTTLS, then AUTH PLAIN (Postfix: Cyrus SASL, sasldb), and each message DKIM-signed (RSA-2048) by the\n' +
      'server: the relay with its verified domain\'s key, Postfix through OpenDKIM with the same key; the ceiling answers STARTTLS\n' +
      'and AUTH only. relay-desk serve: CPU and peak RSS of the host and its relay summed (Pss, sampled). postfix+opendkim: all\n' +
      'Postfix processes and OpenDKIM summed. haraka: one process, outbound queue, dkim plugin, log level NOTICE.\nThe "DKIM-signed" notes count DKIM-Signature fields at the sink (not verified there).',
  );
  printTargets(targets(summary.filter((r) => !isSteadyRow(r))), `Targets (issue 19), as the product runs, after ${Math.round(WARMUP * scale)} warm-up messages`);
  printSteadyTargets(summary, targets, Math.round(steadyWarmupMessages * scale));
  if (profileDir) console.log(`\nCPU profiles: ${profileDir} (node bench/profile-summary.mjs ${profileDir})`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
