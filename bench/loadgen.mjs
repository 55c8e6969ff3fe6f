/**
 * The SMTP load generator, run as a forked child of bench/relay.mjs so that
 * its CPU is not the relay's and its event loop does not delay the bench's
 * bookkeeping. The same code drives the relay and Postfix, so the comparison
 * is fair. It takes jobs over IPC, one at a time; for each it sends exactly
 * `messages` attempts (or fewer if the deadline passes) and answers with a
 * summary. It exits when its parent disconnects (bench/lib/loadgen-client.mjs).
 *
 * Each client is a plain state machine over a raw socket: greeting, EHLO,
 * optional STARTTLS (then EHLO again, as RFC 3207 asks), optional AUTH
 * PLAIN, then MAIL, RCPT, DATA, body, final dot, and QUIT when it is done
 * with the connection (bench/lib/smtp-connection.mjs). No pipelining, like a scanner or a small
 * business app. Accept latency: from MAIL FROM written to the 250 after the
 * final dot (connection set-up and AUTH are not in it; they are in msg/s).
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { bodyChunks, Connection } from './lib/smtp-connection.mjs';

/**
 * The p99 is also given for the messages begun after the batch's first half
 * second: a relay started moments before still has V8 compiling its code then
 * (README, "Benchmarks"), which can decide W2's p99 on a fast machine.
 */
const SETTLE_MS = 500;

/** Wall-clock time in ms with sub-ms precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/**
 * @param {{ host: string, port: number, clients: number, messages: number, reuse: boolean,
 *   auth: { user: string, password: string } | null, starttls?: boolean, size: number, from: string, to: string, deadlineMs: number }} job
 */
async function run(job) {
  const body = bodyChunks(job.size);
  const authLine = job.auth ? `AUTH PLAIN ${Buffer.from(`\0${job.auth.user}\0${job.auth.password}`).toString('base64')}` : null;
  const deadline = now() + job.deadlineMs;
  let remaining = job.messages;
  let sequence = 0;
  let firstConnect = Infinity;
  let lastAccept = 0;
  let accepted = 0;
  /** @type {number[]} */
  const latencies = [];
  /** Latencies of the messages begun after the batch's first SETTLE_MS. */
  /** @type {number[]} */
  const settled = [];
  /** @type {Map<string, number>} */
  const errors = new Map();
  const fail = (/** @type {unknown} */ err) => {
    const key = err instanceof Error ? err.message : String(err);
    errors.set(key, (errors.get(key) ?? 0) + 1);
  };

  /** Takes one message slot; false when the job is done. */
  const take = () => {
    if (remaining <= 0 || now() > deadline) return false;
    remaining--;
    return true;
  };

  /** @returns {Promise<Connection>} */
  const open = async () => {
    firstConnect = Math.min(firstConnect, now());
    const socket = connect({ host: job.host, port: job.port });
    const conn = new Connection(socket);
    await conn.expect(220, 'greeting');
    await conn.command('EHLO loadgen.bench.test', 250);
    if (job.starttls) {
      await conn.startTls();
      await conn.command('EHLO loadgen.bench.test', 250);
    }
    if (authLine) await conn.command(authLine, 235);
    return conn;
  };

  /** @param {Connection} conn */
  const send = async (conn) => {
    const n = ++sequence;
    const headers = Buffer.from(
      `From: Bench <${job.from}>\r\nTo: <${job.to}>\r\nSubject: bench message ${n}\r\n` +
        `Date: ${new Date().toUTCString()}\r\nMessage-ID: <${n}.${process.pid}@bench.example>\r\n\r\n`,
    );
    const started = now();
    await conn.command(`MAIL FROM:<${job.from}>`, 250);
    await conn.command(`RCPT TO:<${job.to}>`, 250);
    await conn.command('DATA', 354);
    // A small message goes in one write (one syscall), as a device's would.
    if (body.length <= 2) await conn.write(Buffer.concat([headers, ...body]));
    else for (const chunk of [headers, ...body]) await conn.write(chunk);
    await conn.expect(250, 'end of data');
    const done = now();
    latencies.push(done - started);
    if (started - firstConnect >= SETTLE_MS) settled.push(done - started);
    lastAccept = Math.max(lastAccept, done);
    accepted++;
  };

  /** @param {Connection} conn */
  const quit = async (conn) => {
    try {
      await conn.command('QUIT', 221);
    } catch {
      // The server may close first; the message is already accepted.
    }
    conn.close();
  };

  const client = async () => {
    /** @type {Connection | null} */
    let conn = null;
    while (take()) {
      try {
        conn ??= await open();
        await send(conn);
        if (!job.reuse) {
          await quit(conn);
          conn = null;
        }
      } catch (err) {
        fail(err);
        conn?.close();
        conn = null;
      }
    }
    if (conn) await quit(conn);
  };

  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: job.clients }, client));
  const cpu = process.cpuUsage(cpuBefore);
  const pct = (/** @type {number[]} */ values, /** @type {number} */ p) => {
    values.sort((a, b) => a - b);
    return values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? NaN;
  };
  return {
    attempted: job.messages - remaining,
    accepted,
    errors: Object.fromEntries(errors),
    firstConnect,
    lastAccept,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    p99Settled: pct(settled, 0.99),
    /** The load generator's own CPU per attempt: it shares the machine with the server it measures. */
    cpuPerMessage: (cpu.user + cpu.system) / 1000 / Math.max(1, job.messages - remaining),
  };
}

// Jobs one after another (a row's warm-up, then its measured batch); the process ends when its parent lets go.
process.on('message', (job) => {
  run(/** @type {Parameters<typeof run>[0]} */ (job)).then(
    (result) => process.send?.(result),
    (err) => {
      console.error('loadgen:', err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
