/**
 * One SMTP client connection to the smarthost: greeting, EHLO (HELO as a
 * fallback), STARTTLS or implicit TLS, AUTH PLAIN or LOGIN, then any number of
 * transactions (an OAuth access token through ../shared/sasl-oauth.ts instead
 * of a password). With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go out in
 * one write. The socket and reply handling is ./smtp-channel.ts.
 *
 * Written for the relay's hot path: nodemailer spent more CPU per message
 * than receiving it did (a JavaScript loop over every byte for dot-stuffing,
 * a message object per send); this sends a spooled buffer with a few writes.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { noteLargeBytes } from '../gc-nudge.js';
import type { UpstreamAuth } from '../protocol.js';
import { HOLD_LIMIT } from '../queue/spool-writer.js';
import { oauthErrorAcknowledgement, oauthInitialResponse, oauthMechanism, tokenFingerprint, type OAuthLogin } from '../shared/sasl-oauth.js';
import type { SentInfo } from './outcome.js';
import { SmtpChannel, SmtpError } from './smtp-channel.js';
import { DataEncoder, encodeData, type Reply } from './smtp-wire.js';

export interface ClientOptions {
  host: string;
  port: number;
  /** The relay's name for EHLO. */
  name: string;
  /** none never upgrades; starttls refuses to go on without TLS; tls is TLS from the first byte. */
  security: 'none' | 'starttls' | 'tls';
  rejectUnauthorized: boolean;
  /** Logged in even when AUTH is not advertised: a missing login then shows as the configuration problem it is. */
  auth: UpstreamAuth | null;
  /** Told when the server refused an access token, by its SHA-256 and the server's reply, so a fresh one can be fetched. */
  onTokenRefused?: (tokenSha256: string, reply: string) => void;
}

/** A server that does not greet within this is treated as down. */
const GREETING_TIMEOUT_MS = 60_000;
/** RFC 5321 §4.5.3.2 allows 5 minutes for most replies and 10 for the end of DATA; one generous limit for all. */
const REPLY_TIMEOUT_MS = 10 * 60_000;

const isPositive = (reply: Reply) => reply.code >= 200 && reply.code < 400;

export class SmtpClient extends SmtpChannel {
  private extensions = new Set<string>();
  private authMethods: string[] = [];
  /** Every mechanism the server lists, for choosing OAUTHBEARER over XOAUTH2. */
  private offeredAuth = new Set<string>();
  /** Transactions started on this connection. */
  sent = 0;

  private constructor(
    private readonly options: ClientOptions,
    socket: Socket,
  ) {
    super(socket);
  }

  /** Connects and gets the session ready for transactions (greeting, EHLO, TLS, login). */
  static async open(options: ClientOptions): Promise<SmtpClient> {
    const socket =
      options.security === 'tls'
        ? tlsConnect({ host: options.host, port: options.port, servername: serverName(options.host), rejectUnauthorized: options.rejectUnauthorized })
        : netConnect({ host: options.host, port: options.port });
    socket.setNoDelay(true);
    const client = new SmtpClient(options, socket);
    client.setReplyTimeout(GREETING_TIMEOUT_MS);
    try {
      await client.handshake();
    } catch (err) {
      client.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    client.setReplyTimeout(REPLY_TIMEOUT_MS);
    return client;
  }

  private async handshake(): Promise<void> {
    const greeting = await this.reply();
    if (greeting.code !== 220) throw new SmtpError('The server refused the connection', 'ECONNECTION', 'CONN', greeting);
    await this.hello();
    if (this.options.security === 'starttls') {
      const reply = await this.command('STARTTLS');
      if (reply.code !== 220) throw new SmtpError('Error upgrading connection with STARTTLS', 'ETLS', 'STARTTLS', reply);
      const { host, rejectUnauthorized } = this.options;
      await this.upgradeTls({ host, servername: serverName(host), rejectUnauthorized });
      await this.hello();
    }
    const auth = this.options.auth;
    if (auth && 'accessToken' in auth) await this.oauthLogin(auth);
    else if (auth) await this.login(auth);
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
    this.offeredAuth = new Set();
  }

  private readExtensions(text: string): void {
    const lines = text.split('\n').slice(1).map((l) => l.slice(4).trim().toUpperCase());
    this.extensions = new Set(lines.map((l) => l.split(/[\s=]/)[0] ?? ''));
    const offered = new Set(lines.filter((l) => /^AUTH[\s=]/.test(l)).flatMap((l) => l.slice(5).split(/[\s=]+/)));
    this.authMethods = ['PLAIN', 'LOGIN'].filter((m) => offered.has(m));
    this.offeredAuth = offered;
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
   * OAUTHBEARER or XOAUTH2 with the token on the AUTH line. A refused token
   * is reported (by its hash) before the error, which defers the mail like
   * any refused login (./outcome.ts).
   */
  private async oauthLogin(login: OAuthLogin): Promise<void> {
    const mechanism = oauthMechanism(this.offeredAuth);
    const { host, port } = this.options;
    let reply = await this.command(`AUTH ${mechanism} ${oauthInitialResponse(mechanism, login, { host, port })}`);
    // The JSON error challenge (RFC 7628 §3.2.2) is acknowledged to get the final reply.
    if (reply.code === 334) reply = await this.command(oauthErrorAcknowledgement(mechanism));
    if (reply.code === 235) return;
    if (reply.code === 535) this.options.onTokenRefused?.(tokenFingerprint(login.accessToken), reply.text);
    throw new SmtpError('Access token refused', 'EAUTH', `AUTH ${mechanism}`, reply);
  }

  /**
   * One transaction. Addresses are sent as given (already in wire form);
   * results name recipients the same way. Rejects with an SmtpError when the
   * message as a whole was refused or the connection failed.
   */
  async transaction(from: string, to: string[], body: Buffer | Readable): Promise<SentInfo> {
    try {
      return await this.exchange(from, to, body);
    } finally {
      // A stream not read to the end (the message was refused before DATA) would hold its file open.
      if (!Buffer.isBuffer(body)) body.destroy();
    }
  }

  private async exchange(from: string, to: string[], body: Buffer | Readable): Promise<SentInfo> {
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
    let read = 0;
    try {
      for await (const chunk of body) {
        if (this.failure) break;
        read += (chunk as Buffer).length;
        // Only a large message's bytes: a small one read back from the spool streams too. When small signed ones
        // streamed and counted, every ~800 forced a full collection, which also threw away the hot path's optimized code.
        if (read > HOLD_LIMIT) noteLargeBytes((chunk as Buffer).length);
        for (const piece of encoder.encode(chunk as Buffer)) await this.write(piece);
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

}

/** SNI takes a host name, never an IP address. */
function serverName(host: string): string | undefined {
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}
