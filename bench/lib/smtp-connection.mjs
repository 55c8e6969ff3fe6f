/**
 * The SMTP client side the load generators share (bench/loadgen.mjs closed
 * loop, bench/lib/open-loop-gen.mjs open loop): one connection over a raw
 * socket, with STARTTLS, and the message body they send.
 */
import { once } from 'node:events';
import { createSecureContext, connect as tlsConnect } from 'node:tls';

/** Large messages are written in chunks of this size, honouring backpressure. */
const CHUNK_BYTES = 64 * 1024;
/** A dead server must not hang a client forever. */
const REPLY_TIMEOUT_MS = 60_000;
/**
 * One TLS context for every connection, as a mail client keeps one: made per
 * connection it cost the generator ~0.2 ms of CPU per handshake (~0.9 against
 * ~0.7), on the cores the server shares. No session is resumed: Node's client
 * resumes only a session it is handed.
 */
const CLIENT_TLS = createSecureContext({});

/** One SMTP connection: write a command, await its (possibly multi-line) reply. */
export class Connection {
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
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false, secureContext: CLIENT_TLS });
    await Promise.race([once(secure, 'secureConnect'), once(secure, 'error').then(([err]) => Promise.reject(err))]);
    if (secure.isSessionReused()) throw new Error('the TLS session was resumed: every bench handshake must be a full one');
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
export function bodyChunks(size) {
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
