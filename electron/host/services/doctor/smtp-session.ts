/**
 * One SMTP client session, a command at a time, for the checks that must
 * show what a server answered word for word: the ports' probe and the
 * upstream's. Each reply comes back whole (multi-line replies joined with
 * " | "), and the session keeps a transcript of both sides (a login's
 * secret shown as "****").
 */
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** Each step (connect, every reply) gets this long unless the target says otherwise. */
export const SESSION_TIMEOUT_MS = 5_000;

export interface Reply {
  code: number;
  /** The reply on one line, as the server sent it. */
  text: string;
  /** The keywords of a multi-line reply's later lines, upper-case (EHLO's extensions). */
  keywords: string[];
}

/** Reads whole SMTP replies from a socket, one at a time. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private readonly ready: Reply[] = [];
  private waiting: ((reply: Reply) => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.take(chunk));
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.lines.push(line);
      if (line[3] === '-') continue;
      const lines = this.lines;
      this.lines = [];
      const reply = { code: Number(line.slice(0, 3)), text: lines.join(' | '), keywords: lines.slice(1).map((l) => (l.slice(4).split(' ')[0] ?? '').toUpperCase()) };
      if (this.waiting) {
        this.waiting(reply);
        this.waiting = null;
      } else this.ready.push(reply);
    }
  }

  next(): Promise<Reply> {
    const ready = this.ready.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const closed = () => reject(new Error('the connection was closed before the server answered'));
      this.socket.once('close', closed);
      this.waiting = (reply) => {
        this.socket.off('close', closed);
        resolve(reply);
      };
    });
  }
}

/** Resolves once connected; a connection that neither opens nor fails (a firewall dropping it), or a server that stops answering, fails after `timeoutMs`. */
async function opened(socket: Socket, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<Socket> {
  socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs / 1000} seconds`)));
  await once(socket, event);
  return socket;
}

export interface SessionTarget {
  host: string;
  port: number;
  /** TLS from the first byte. */
  tls: boolean;
  /** Whether the server's certificate must be trusted and name the host. */
  rejectUnauthorized: boolean;
  /** How long connecting and each reply may take; SESSION_TIMEOUT_MS by default. */
  timeoutMs?: number;
}

export class SmtpSession {
  /** Both sides, in order: "> " what was sent, "< " what came back. */
  readonly transcript: string[] = [];
  private reader: ReplyReader;

  private constructor(
    private socket: Socket,
    private readonly target: SessionTarget,
  ) {
    this.reader = new ReplyReader(socket);
    socket.on('error', () => undefined);
  }

  /** Connects; rejects with the socket's or TLS layer's error when that fails. */
  static async open(target: SessionTarget): Promise<SmtpSession> {
    const socket = target.tls
      ? await opened(tlsConnect({ host: target.host, port: target.port, ...tlsNames(target) }), 'secureConnect', timeoutOf(target))
      : await opened(netConnect({ host: target.host, port: target.port }), 'connect', timeoutOf(target));
    return new SmtpSession(socket, target);
  }

  get secure(): boolean {
    return this.target.tls || this.upgraded;
  }

  private upgraded = false;

  async reply(): Promise<Reply> {
    const reply = await this.reader.next();
    this.transcript.push(`< ${reply.text}`);
    return reply;
  }

  /** Sends one command and waits for its reply; `shown` is what the transcript says was sent. */
  async command(line: string, shown = line): Promise<Reply> {
    this.transcript.push(`> ${shown}`);
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Secures the connection after a 220 to STARTTLS; rejects as the TLS layer does. */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    const secured = await opened(tlsConnect({ socket: this.socket, ...tlsNames(this.target) }), 'secureConnect', timeoutOf(this.target));
    secured.on('error', () => undefined);
    this.socket = secured;
    this.reader = new ReplyReader(secured);
    this.upgraded = true;
  }

  /** Says QUIT (its answer is not waited for long) and closes. */
  async quit(): Promise<void> {
    await this.command('QUIT').catch(() => undefined);
    this.close();
  }

  close(): void {
    this.socket.destroy();
  }
}

const timeoutOf = (target: SessionTarget) => target.timeoutMs ?? SESSION_TIMEOUT_MS;

function tlsNames(target: SessionTarget): ConnectionOptions {
  const isName = !/^[\d.]+$|:/.test(target.host);
  return { rejectUnauthorized: target.rejectUnauthorized, ...(isName ? { servername: target.host } : {}) };
}
