#!/usr/bin/env node
/**
 * The relay's two halves measured apart (`node bench/relay-split.mjs`): the
 * relay starts with no upstream, so a batch is only received and spooled;
 * then it is given the sink as its smarthost and only delivers. Each phase
 * reports msg/s and the relay's CPU ms per message, which shows whether
 * receiving (smtp-server, spool, fsync) or delivering (scheduler, SMTP client)
 * costs more, without either competing with the other for the event loop.
 *
 * Usage: node bench/relay-split.mjs [--only=W1,W2,W3] [--mode=trusted|auth]
 * Needs what `npm run bench:relay` needs (it installs and builds them).
 */
import { startLoadgen } from './lib/loadgen-client.mjs';
import { treeCpuSeconds } from './lib/proc.mjs';
import { BENCH_DOMAIN, BENCH_PASSWORD, BENCH_USER, startRelay } from './lib/relay-child.mjs';
import { startSink } from './lib/sink.mjs';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const mode = args.find((a) => a.startsWith('--mode='))?.slice(7) === 'auth' ? 'auth' : 'trusted';
const workloads = [
  { name: 'W1', clients: 20, reuse: false, messages: 2000 },
  { name: 'W2', clients: 20, reuse: true, messages: 2000 },
  { name: 'W3', clients: 100, reuse: false, messages: 3000 },
].filter((w) => !only || only.includes(w.name));
const now = () => performance.timeOrigin + performance.now();

const sink = await startSink();
console.log(`workload  mode     receive-only msg/s  CPU ms/msg  p99 ms   deliver-only msg/s  CPU ms/msg`);
try {
  for (const w of workloads) {
    const relay = await startRelay({ sinkPort: sink.port, mode, profileDir: null, deliver: false });
    const loadgen = startLoadgen();
    try {
      const job = {
        host: '127.0.0.1',
        port: relay.port,
        clients: w.clients,
        reuse: w.reuse,
        auth: mode === 'auth' ? { user: BENCH_USER, password: BENCH_PASSWORD } : null,
        size: 10 * 1024,
        from: `sender@${BENCH_DOMAIN}`,
        to: 'rcpt@sink.example',
        deadlineMs: 180_000,
      };
      // Warm-up: received now, delivered with the batch below (the same for every workload).
      const warm = await loadgen.run({ ...job, messages: 300 });
      const cpu0 = treeCpuSeconds(relay.pid);
      const received = await loadgen.run({ ...job, messages: w.messages });
      const cpu1 = treeCpuSeconds(relay.pid);
      const total = warm.accepted + received.accepted;
      const base = sink.count();
      const started = now();
      await relay.startDelivery();
      const doneAt = await sink.waitFor(base + total, 180_000);
      const cpu2 = treeCpuSeconds(relay.pid);
      const receiveRate = received.accepted / ((received.lastAccept - received.firstConnect) / 1000);
      const deliverRate = doneAt === null ? NaN : total / ((doneAt - started) / 1000);
      console.log(
        `${w.name.padEnd(8)}  ${mode.padEnd(7)}  ${receiveRate.toFixed(0).padStart(18)}  ${(((cpu1 - cpu0) * 1000) / received.accepted).toFixed(2).padStart(10)}` +
          `  ${received.p99.toFixed(1).padStart(6)}   ${deliverRate.toFixed(0).padStart(18)}  ${(((cpu2 - cpu1) * 1000) / total).toFixed(2).padStart(10)}`,
      );
    } finally {
      await loadgen.close();
      await relay.stop();
    }
  }
} finally {
  await sink.stop();
}
