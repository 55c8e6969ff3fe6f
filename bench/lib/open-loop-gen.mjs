/**
 * The open-loop load generator (issue 19), forked by bench/open-loop.mjs so
 * its CPU and event loop are not the server's. Devices arrive at a fixed
 * offered rate, Poisson arrivals (exponential gaps), each message its own
 * connection: greeting, EHLO, STARTTLS, EHLO, AUTH PLAIN, MAIL, RCPT, DATA,
 * body, the 250 after the dot, QUIT. A message's latency runs from its
 * scheduled start, not from when a busy generator got to it, so a server that
 * falls behind is charged for the wait (no coordinated omission).
 */
import { connect } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { bodyChunks, Connection } from './smtp-connection.mjs';

const now = () => performance.now();
/** A message not answered this long after its start is counted as failed, so a stalled server ends the run. */
const GIVE_UP_MS = 30_000;
/** The steps a message's latency is split into, each timed from the end of the one before (the first from the scheduled start). */
const STEPS = ['connect + greeting', 'EHLO + STARTTLS', 'EHLO + AUTH', 'MAIL + RCPT + DATA', 'body → 250'];

/** The p-th quantile of an ascending array. @param {number[]} sorted @param {number} p */
const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/**
 * @param {{ host: string, port: number, rate: number, seconds: number, auth: { user: string, password: string },
 *   size: number, from: string, to: string }} job
 */
async function run(job) {
  const body = Buffer.concat(bodyChunks(job.size));
  const authLine = `AUTH PLAIN ${Buffer.from(`\0${job.auth.user}\0${job.auth.password}`).toString('base64')}`;
  // The whole schedule up front: arrival times of a Poisson process at `rate` per second.
  const schedule = [];
  for (let t = 0; ; ) {
    t += (-Math.log(1 - Math.random()) / job.rate) * 1000;
    if (t >= job.seconds * 1000) break;
    schedule.push(t);
  }
  /** @type {number[]} */
  const latencies = [];
  /** @type {number[][]} per step, each answered message's time in it */
  const stepTimes = STEPS.map(() => []);
  /** @type {Map<string, number>} */
  const errors = new Map();
  let inFlight = 0;
  /** The deepest in-flight count in each second of the schedule: a backlog that keeps growing means the server fell behind. */
  const inFlightPerSecond = Array.from({ length: Math.ceil(job.seconds) }, () => 0);
  let completedInWindow = 0;
  const cpuAtStart = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const start = now();

  const send = async (/** @type {number} */ scheduled, /** @type {number} */ n) => {
    const conn = new Connection(connect({ host: job.host, port: job.port }));
    const timer = setTimeout(() => conn.fail(new Error('no answer within 30 s')), GIVE_UP_MS);
    /** @type {number[]} when each step ended, from the start of the run */
    const ends = [];
    const stepDone = () => ends.push(now() - start);
    try {
      await conn.expect(220, 'greeting');
      stepDone();
      await conn.command('EHLO device.bench.test', 250);
      await conn.startTls();
      stepDone();
      await conn.command('EHLO device.bench.test', 250);
      await conn.command(authLine, 235);
      stepDone();
      await conn.command(`MAIL FROM:<${job.from}>`, 250);
      await conn.command(`RCPT TO:<${job.to}>`, 250);
      await conn.command('DATA', 354);
      stepDone();
      const headers = `From: Bench <${job.from}>\r\nTo: <${job.to}>\r\nSubject: open loop ${n}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <ol${n}.${process.pid}@bench.example>\r\n\r\n`;
      await conn.write(Buffer.concat([Buffer.from(headers), body]));
      await conn.expect(250, 'end of data');
      const done = now() - start;
      ends.push(done);
      latencies.push(done - scheduled);
      ends.forEach((end, i) => stepTimes[i]?.push(end - (i === 0 ? scheduled : /** @type {number} */ (ends[i - 1]))));
      if (done <= job.seconds * 1000) completedInWindow++;
      await conn.command('QUIT', 221).catch(() => undefined);
    } catch (err) {
      const key = err instanceof Error ? err.message : String(err);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    } finally {
      clearTimeout(timer);
      conn.close();
      inFlight--;
    }
  };

  const pending = [];
  let next = 0;
  // One timer per wake-up; each wake-up starts every message whose time has come.
  while (next < schedule.length) {
    const at = /** @type {number} */ (schedule[next]);
    const wait = at - (now() - start);
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const elapsed = now() - start;
    for (; next < schedule.length && /** @type {number} */ (schedule[next]) <= elapsed; next++) {
      inFlight++;
      const second = Math.floor(/** @type {number} */ (schedule[next]) / 1000);
      inFlightPerSecond[second] = Math.max(inFlightPerSecond[second] ?? 0, inFlight);
      pending.push(send(/** @type {number} */ (schedule[next]), next));
    }
  }
  await Promise.all(pending);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuAtStart);
  latencies.sort((a, b) => a - b);
  const pct = (/** @type {number} */ p) => quantile(latencies, p);
  const steps = stepTimes.map((times, i) => {
    times.sort((a, b) => a - b);
    return { name: STEPS[i], p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
  });
  return {
    offered: schedule.length,
    completed: latencies.length,
    completedInWindow,
    seconds: job.seconds,
    errors: Object.fromEntries(errors),
    p50: pct(0.5),
    p99: pct(0.99),
    p999: pct(0.999),
    max: latencies[latencies.length - 1] ?? NaN,
    inFlightPerSecond,
    steps,
    generatorLoopDelay: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    generatorCpuMsPerMessage: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
  };
}

process.on('message', (job) => {
  run(/** @type {Parameters<typeof run>[0]} */ (job)).then(
    (result) => process.send?.(result),
    (err) => {
      console.error('open-loop generator:', err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
