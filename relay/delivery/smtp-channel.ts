/**
 * The socket side of an SMTP client connection: commands written (pipelined
 * ones in one write), replies read back in order and handed to whoever waits
 * for them, a STARTTLS upgrade in place, and one way for the connection to end
 * (failure, timeout, server gone, or QUIT) that fails everything still waiting.
 * Errors carry the fields nodemailer's do (code, command, response,
 * responseCode), so ./outcome.ts reads both alike.
 */
import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { ReplyParser, type Reply } from './smtp-wire.js';

export type ErrorKind = 'ECONNECTION' | 'ETIMEDOUT' | 'ETLS' | 'EAUTH' | 'EENVELOPE' | 'EMESSAGE' | 'EPROTOCOL' | 'ESTREAM';

export class SmtpError extends Error {
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];

  constructor(
    message: string,
    readonly code: ErrorKind,
    readonly command: string,
    reply?: Reply,
  ) {
    super(reply ? `${message}: ${reply.text}` : message);
    if (reply) {
      this.response = reply.text;
      this.responseCode = reply.code;
    }
  }
}

/** How long a server gets to answer QUIT before the socket is closed anyway. */
const CLOSE_GRACE_MS = 5_000;

export class SmtpChannel {
  private readonly parser = new ReplyParser();
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private timeoutMs = 0;
  protected failure: Error | null = null;
  /** Replies read so far: unchanged across a failed transaction means the server never answered it. */
  received = 0;
  /** Called once when the connection is gone, whatever the cause. */
  onClose: () => void = () => undefined;

  constructor(protected socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  /** How long a reply may take (the greeting, then each command's). */
  protected setReplyTimeout(ms: number): void {
    this.timeoutMs = ms;
    this.socket.setTimeout(ms);
  }

  get usable(): boolean {
    return this.failure === null;
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      let replies: Reply[];
      try {
        replies = this.parser.feed(chunk);
      } catch (err) {
        this.destroy(new SmtpError((err as Error).message, 'EPROTOCOL', 'CONN'));
        return;
      }
      for (const reply of replies) {
        this.received++;
        const waiter = this.waiting.shift();
        // A reply nobody asked for (421 on an idle connection): the session is over.
        if (!waiter) this.destroy(new SmtpError('Unexpected reply from the server', 'ECONNECTION', 'CONN', reply));
        else waiter.resolve(reply);
      }
    });
    socket.on('timeout', () => {
      if (this.waiting.length > 0) this.destroy(new SmtpError('Timed out waiting for the server', 'ETIMEDOUT', 'CONN'));
    });
    socket.on('error', (err: Error) => this.destroy(err));
    socket.on('close', () => this.destroy(new SmtpError('Connection closed unexpectedly', 'ECONNECTION', 'CONN')));
  }

  /** Ends the connection for good; `graceful` lets what was written (QUIT) reach the server first. */
  protected destroy(err: Error, graceful = false): void {
    if (this.failure) return;
    this.failure = err;
    if (graceful) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    } else {
      this.socket.destroy();
    }
    for (const waiter of this.waiting.splice(0)) waiter.reject(err);
    this.onClose();
  }

  protected reply(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Writes commands (one write, so pipelined ones share a packet) and returns their replies' promises. */
  protected send(...lines: string[]): Promise<Reply>[] {
    const replies = lines.map(() => this.reply());
    if (!this.failure) this.socket.write(`${lines.join('\r\n')}\r\n`);
    return replies;
  }

  protected async command(line: string): Promise<Reply> {
    const [reply] = this.send(line);
    return reply as Promise<Reply>;
  }

  /** TLS on the open connection (after the server's 220 to STARTTLS); replies are read from the TLS layer on. */
  protected async upgradeTls(options: { host: string; servername: string | undefined; rejectUnauthorized: boolean }): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    const secure = tlsConnect({ socket: plain, ...options });
    this.socket = secure;
    this.attach(secure);
    secure.setTimeout(this.timeoutMs);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
  }

  /** Writes with backpressure: resolves once the socket can take more. */
  protected async write(data: Buffer): Promise<void> {
    if (!this.socket.write(data)) await waitForDrain(this.socket);
  }

  /** Ends the session politely; the socket closes whether or not the server answers. */
  quit(): void {
    if (this.failure) return;
    this.command('QUIT').catch(() => undefined);
    this.destroy(new SmtpError('Connection closed by the relay', 'ECONNECTION', 'QUIT'), true);
  }
}

function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
