/**
 * One SMTP client connection to the smarthost: greeting, EHLO (HELO as a
 * fallback), STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, then any number of
 * transactions. With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go out in
 * one write. Errors carry the fields nodemailer's do (code, command, response,
 * responseCode), so ./outcome.ts reads both alike.
 *
 * Written for the relay's hot path: nodemailer spent more CPU per message
 * than receiving it did (a JavaScript loop over every byte for dot-stuffing,
 * a message object per send); this sends a spooled buffer with a few writes.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { SentInfo } from './outcome.js';
import { DataEncoder, encodeData, ReplyParser, type Reply } from './smtp-wire.js';

export interface ClientOptions {
  host: string;
  port: number;
  /** The relay's name for EHLO. */
  name: string;
  /** none never upgrades; starttls refuses to go on without TLS; tls is TLS from the first byte. */
  security: 'none' | 'starttls' | 'tls';
  rejectUnauthorized: boolean;
  /** Logged in even when AUTH is not advertised: a missing login then shows as the configuration problem it is. */
  auth: { user: string; password: string } | null;
}

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

/** A server that does not greet within this is treated as down. */
const GREETING_TIMEOUT_MS = 60_000;
/** RFC 5321 §4.5.3.2 allows 5 minutes for most replies and 10 for the end of DATA; one generous limit for all. */
const REPLY_TIMEOUT_MS = 10 * 60_000;
/** How long a server gets to answer QUIT before the socket is closed anyway. */
const CLOSE_GRACE_MS = 5_000;

const isPositive = (reply: Reply) => reply.code >= 200 && reply.code < 400;

export class SmtpClient {
  private socket: Socket | TLSSocket;
  private readonly parser = new ReplyParser();
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private extensions = new Set<string>();
  private authMethods: string[] = [];
  /** Transactions started on this connection. */
  sent = 0;
  /** Replies read so far: unchanged across a failed transaction means the server never answered it. */
  received = 0;
  /** Called once when the connection is gone, whatever the cause. */
  onClose: () => void = () => undefined;

  private constructor(
    private readonly options: ClientOptions,
    socket: Socket | TLSSocket,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects and gets the session ready for transactions (greeting, EHLO, TLS, login). */
  static async open(options: ClientOptions): Promise<SmtpClient> {
    const socket =
      options.security === 'tls'
        ? tlsConnect({ host: options.host, port: options.port, servername: serverName(options.host), rejectUnauthorized: options.rejectUnauthorized })
        : netConnect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    socket.setTimeout(GREETING_TIMEOUT_MS);
    const client = new SmtpClient(options, socket);
    try {
      await client.handshake();
    } catch (err) {
      client.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    socket.setTimeout(REPLY_TIMEOUT_MS);
    return client;
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
  private destroy(err: Error, graceful = false): void {
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

  private reply(): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Writes commands (one write, so pipelined ones share a packet) and returns their replies' promises. */
  private send(...lines: string[]): Promise<Reply>[] {
    const replies = lines.map(() => this.reply());
    if (!this.failure) this.socket.write(`${lines.join('\r\n')}\r\n`);
    return replies;
  }

  private async command(line: string): Promise<Reply> {
    const [reply] = this.send(line);
    return reply as Promise<Reply>;
  }

  private async handshake(): Promise<void> {
    const greeting = await this.reply();
    if (greeting.code !== 220) throw new SmtpError('The server refused the connection', 'ECONNECTION', 'CONN', greeting);
    await this.hello();
    if (this.options.security === 'starttls') {
      const reply = await this.command('STARTTLS');
      if (reply.code !== 220) throw new SmtpError('Error upgrading connection with STARTTLS', 'ETLS', 'STARTTLS', reply);
      await this.upgrade();
      await this.hello();
    }
    if (this.options.auth) await this.login(this.options.auth);
  }

  private async hello(): Promise<void> {
    const ehlo = await this.command(`EHLO ${this.options.name}`);
    if (ehlo.code === 421) throw new SmtpError('Server terminates connection', 'ECONNECTION', 'EHLO', ehlo);
    if (ehlo.code >= 200 && ehlo.code < 300) {
      this.readExtensions(ehlo.text);
      return;
    }
    if (this.options.security === 'starttls') throw new SmtpError('EHLO failed but HELO does not support required STARTTLS', 'ECONNECTION', 'EHLO', ehlo);
    const helo = await this.command(`HELO ${this.options.name}`);
    if (helo.code < 200 || helo.code >= 300) throw new SmtpError('Invalid HELO', 'EPROTOCOL', 'HELO', helo);
    this.extensions = new Set();
    this.authMethods = [];
  }

  private readExtensions(text: string): void {
    const lines = text.split('\n').slice(1).map((l) => l.slice(4).trim().toUpperCase());
    this.extensions = new Set(lines.map((l) => l.split(/[\s=]/)[0] ?? ''));
    const offered = new Set(lines.filter((l) => /^AUTH[\s=]/.test(l)).flatMap((l) => l.slice(5).split(/[\s=]+/)));
    this.authMethods = ['PLAIN', 'LOGIN'].filter((m) => offered.has(m));
  }

  private async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('timeout');
    const { host, rejectUnauthorized } = this.options;
    const secure = tlsConnect({ socket: plain, host, servername: serverName(host), rejectUnauthorized });
    this.socket = secure;
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
  }

  /** PLAIN unless the server offers only LOGIN; the verdict's reply is kept for the admin. */
  private async login({ user, password }: { user: string; password: string }): Promise<void> {
    const method = this.authMethods[0] ?? 'PLAIN';
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    let reply: Reply;
    if (method === 'PLAIN') {
      reply = await this.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`);
    } else {
      reply = await this.command('AUTH LOGIN');
      if (reply.code === 334) reply = await this.command(b64(user));
      if (reply.code === 334) reply = await this.command(b64(password));
    }
    if (reply.code !== 235) throw new SmtpError('Invalid login', 'EAUTH', `AUTH ${method}`, reply);
  }

  /**
   * One transaction. Addresses are sent as given (already in wire form);
   * results name recipients the same way. Rejects with an SmtpError when the
   * message as a whole was refused or the connection failed.
   */
  async transaction(from: string, to: string[], body: Buffer | Readable): Promise<SentInfo> {
    // Nothing from an address may become part of another command.
    const bad = [from, ...to].find((address, i) => /[\r\n<>]/.test(address) || (i > 0 && address === ''));
    if (bad !== undefined) throw new SmtpError(`Invalid address ${JSON.stringify(bad)}`, 'EENVELOPE', 'API');
    this.sent++;
    const params = [
      // The spooled bytes may hold 8-bit text; BODY=8BITMIME is right for 7-bit mail too.
      this.extensions.has('8BITMIME') ? ' BODY=8BITMIME' : '',
      // eslint-disable-next-line no-control-regex -- the test is for anything outside ASCII
      this.extensions.has('SMTPUTF8') && [from, ...to].some((a) => /[^\x00-\x7f]/.test(a)) ? ' SMTPUTF8' : '',
    ].join('');
    const commands = [`MAIL FROM:<${from}>${params}`, ...to.map((r) => `RCPT TO:<${r}>`), 'DATA'];
    const replies = this.extensions.has('PIPELINING') ? await Promise.all(this.send(...commands)) : await this.stepwise(commands);
    const [mail, data] = [replies[0] as Reply, replies[replies.length - 1] as Reply];
    const accepted: string[] = [];
    const rejectedErrors: SmtpError[] = [];
    to.forEach((recipient, i) => {
      const reply = replies[i + 1];
      if (reply && isPositive(reply)) accepted.push(recipient);
      else if (reply) rejectedErrors.push(Object.assign(new SmtpError(`Recipient command failed`, 'EENVELOPE', 'RCPT TO', reply), { recipient }));
    });
    if (!isPositive(mail)) {
      if (data.code === 354) this.destroy(new SmtpError('The server took DATA after refusing the sender', 'EPROTOCOL', 'DATA'));
      else await this.reset();
      throw new SmtpError('Mail command failed', 'EENVELOPE', 'MAIL FROM', mail);
    }
    if (accepted.length === 0 && data.code === 354) {
      // A server must refuse DATA without a recipient; this one took it. End the empty message.
      await this.command('.');
    }
    if (accepted.length === 0) {
      await this.reset();
      return { accepted, rejectedErrors, response: '' };
    }
    if (data.code !== 354 && !isPositive(data)) {
      await this.reset();
      throw new SmtpError('Data command failed', 'EENVELOPE', 'DATA', data);
    }
    const final = await this.writeBody(body);
    if (!isPositive(final)) {
      await this.reset();
      throw new SmtpError('Message failed', 'EMESSAGE', 'DATA', final);
    }
    return { accepted, rejectedErrors, response: final.text };
  }

  /** Without PIPELINING: one command at a time, and no DATA once MAIL or every RCPT was refused. */
  private async stepwise(commands: string[]): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (const [i, line] of commands.entries()) {
      const last = i === commands.length - 1;
      if (last && !replies.slice(1).some(isPositive)) break;
      const reply = await this.command(line);
      replies.push(reply);
      if (i === 0 && !isPositive(reply)) break;
    }
    // Missing replies (DATA never sent) read as "not taken", which is what they are.
    while (replies.length < commands.length) replies.push({ code: 0, text: '' });
    return replies;
  }

  private async writeBody(body: Buffer | Readable): Promise<Reply> {
    const final = this.reply();
    // Awaited by the caller unless reading the body fails first; then its rejection is expected.
    final.catch(() => undefined);
    if (Buffer.isBuffer(body)) {
      this.socket.cork();
      for (const piece of encodeData(body)) this.socket.write(piece);
      this.socket.uncork();
      return final;
    }
    const encoder = new DataEncoder();
    try {
      for await (const chunk of body) {
        if (this.failure) break;
        for (const piece of encoder.encode(chunk as Buffer)) {
          if (!this.socket.write(piece)) await waitForDrain(this.socket);
        }
      }
    } catch (err) {
      // Half a message is on the wire: only closing the connection keeps it from being delivered.
      const failure = new SmtpError(`Reading the message failed: ${(err as Error).message}`, 'ESTREAM', 'DATA');
      this.destroy(failure);
      throw failure;
    }
    this.socket.write(encoder.end());
    return final;
  }

  /** After a refused transaction the session is reset for the next one; one that will not reset is closed. */
  private async reset(): Promise<void> {
    const reply = await this.command('RSET').catch(() => null);
    if (!reply || reply.code !== 250) this.destroy(new SmtpError('Could not reset the session', 'EPROTOCOL', 'RSET'));
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

/** SNI takes a host name, never an IP address. */
function serverName(host: string): string | undefined {
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}
