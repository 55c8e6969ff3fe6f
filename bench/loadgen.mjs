/**
 * The SMTP load generator, run as a forked child of bench/relay.mjs so that
 * its CPU is not the relay's and its event loop does not delay the bench's
 * bookkeeping. The same code drives the relay and Postfix, so the comparison
 * is fair. It takes jobs over IPC, one at a time; for each it sends exactly
 * `messages` attempts (or fewer if the deadline passes) and answers with a
 * summary. It exits when its parent disconnects (bench/lib/loadgen-client.mjs).
 *
 * Each client is a plain state machine over a raw socket: greeting, EHLO,
 * optional STARTTLS (then EHLO again, as RFC 3207 asks), optional AUTH PLAIN, then MAIL, RCPT, DATA, body, final dot, and QUIT when
 * it is done with the connection. No pipelining, like a scanner or a small
 * business app. Accept latency: from MAIL FROM written to the 250 after the
 * final dot (connection set-up and AUTH are not in it; they are in msg/s).
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { performance } from 'node:perf_hooks';

/** Large messages are written in chunks of this size, honouring backpressure. */
const CHUNK_BYTES = 64 * 1024;
/**
 * The p99 is also given for the messages begun after the batch's first half
 * second: a relay started moments before still has V8 compiling its code then
 * (README, "Benchmarks"), which can decide W2's p99 on a fast machine.
 */
const SETTLE_MS = 500;
/** A dead server must not hang a client forever. */
const REPLY_TIMEOUT_MS = 60_000;

/** Wall-clock time in ms with sub-ms precision, comparable across processes. */
const now = () => performance.timeOrigin + performance.now();

/** One SMTP connection: write a command, await its (possibly multi-line) reply. */
class Connection {
  /** @param {import('node:net').Socket} socket */
  constructor(socket) {
    this.buffer = '';
    /** @type {string[]} */
    this.lines = [];
    /** @type {{ code: number, text: string }[]} */
    this.replies = [];
    /** @type {{ resolve: (r: { code: number, text: string }) => void, reject: (e: Error) => void } | null} */
    this.waiter = null;
    /** @type {Error | null} */
    this.error = null;
    this.onDataBound = (/** @type {string} */ data) => this.onData(data);
    this.attach(socket);
  }

  /** @param {import('node:net').Socket} socket */
  attach(socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', this.onDataBound);
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by server')));
  }

  /**
   * STARTTLS: the session goes on over TLS on the same connection. The
   * server's certificate is the bench's own (self-signed), so it is not
   * checked; a device that trusts it pays the same handshake.
   */
  async startTls() {
    await this.command('STARTTLS', 220);
    this.socket.off('data', this.onDataBound);
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await Promise.race([once(secure, 'secureConnect'), once(secure, 'error').then(([err]) => Promise.reject(err))]);
    this.attach(secure);
  }

  /** @param {string} data */
  onData(data) {
    this.buffer += data;
    for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.lines.push(line);
      if (line.charAt(3) === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.lines.join(' | ') };
      this.lines = [];
      if (this.waiter) {
        const { resolve } = this.waiter;
        this.waiter = null;
        resolve(reply);
      } else this.replies.push(reply);
    }
  }

  /** @param {Error} err */
  fail(err) {
    this.error ??= err;
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(err);
    }
  }

  /** @returns {Promise<{ code: number, text: string }>} */
  reply() {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error('reply timeout')), REPLY_TIMEOUT_MS);
      this.waiter = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
  }

  /** Writes a command and checks the reply code. @param {string} line @param {number} expected */
  async command(line, expected) {
    this.socket.write(`${line}\r\n`);
    return this.expect(expected, line);
  }

  /** @param {number} expected @param {string} what */
  async expect(expected, what) {
    const reply = await this.reply();
    if (reply.code !== expected) throw new Error(`${what.split(' ')[0] ?? what}: ${reply.text}`);
    return reply;
  }

  /** Writes a buffer, waiting for the socket to drain when it says so. @param {Buffer} data */
  async write(data) {
    if (!this.socket.write(data)) {
      await new Promise((resolve, reject) => {
        const onDrain = () => (this.socket.off('error', onError), resolve(undefined));
        const onError = (/** @type {Error} */ e) => (this.socket.off('drain', onDrain), reject(e));
        this.socket.once('drain', onDrain);
        this.socket.once('error', onError);
      });
    }
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * The message body after the headers: printable lines of 76 characters (none
 * starts with a dot, so no dot-stuffing is needed), ending with the final dot.
 * @param {number} size
 */
function bodyChunks(size) {
  const line = 'The quick brown fox jumps over the lazy dog while the relay keeps count 0123\r\n';
  const perChunk = Math.floor(CHUNK_BYTES / line.length);
  const full = Buffer.from(line.repeat(perChunk));
  const chunks = [];
  for (let left = Math.max(1, Math.round(size / line.length)); left > 0; left -= perChunk) {
    chunks.push(left >= perChunk ? full : full.subarray(0, left * line.length));
  }
  chunks.push(Buffer.from('.\r\n'));
  return chunks;
}

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
