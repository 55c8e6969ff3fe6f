/**
 * What a mail client sees when it connects to one of the relay's ports:
 * the greeting, the EHLO extensions before TLS and, where STARTTLS is
 * offered, after it. Nothing is sent past EHLO; the replies are kept word
 * for word. The relay's certificate is not checked here (certificate-check.ts
 * says what clients make of it).
 */
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';

export const PROBE_TIMEOUT_MS = 5_000;

export interface ProbeResult {
  /** Every reply, one line each (multi-line replies joined with " | "). */
  replies: string[];
  /** EHLO keywords before TLS, upper-case (for an implicit-TLS port: over TLS). */
  extensions: string[];
  /** EHLO keywords after STARTTLS; null when it was not tried or failed. */
  extensionsAfterTls: string[] | null;
}

/** Reads whole SMTP replies from a socket, one at a time. */
class ReplyReader {
  private buffer = '';
  private lines: string[] = [];
  private readonly ready: { code: number; lines: string[] }[] = [];
  private waiting: ((reply: { code: number; lines: string[] }) => void) | null = null;

  constructor(socket: Socket) {
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
      const reply = { code: Number(line.slice(0, 3)), lines: this.lines };
      this.lines = [];
      if (this.waiting) {
        this.waiting(reply);
        this.waiting = null;
      } else this.ready.push(reply);
    }
  }

  next(socket: Socket): Promise<{ code: number; lines: string[] }> {
    const ready = this.ready.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const closed = () => reject(new Error('the connection was closed before the server answered'));
      socket.once('close', closed);
      this.waiting = (reply) => {
        socket.off('close', closed);
        resolve(reply);
      };
    });
  }
}

/** Resolves once connected; a connection that neither opens nor fails (a firewall dropping it) fails after PROBE_TIMEOUT_MS. */
async function opened(socket: Socket, event: 'connect' | 'secureConnect'): Promise<Socket> {
  socket.setTimeout(PROBE_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} seconds`)));
  await once(socket, event);
  return socket;
}

function keywords(lines: string[]): string[] {
  return lines.slice(1).map((l) => (l.slice(4).split(' ')[0] ?? '').toUpperCase());
}

async function session(socket: Socket, heloName: string, result: ProbeResult): Promise<void> {
  let reader = new ReplyReader(socket);
  const command = async (s: Socket, r: ReplyReader, line: string) => {
    s.write(`${line}\r\n`);
    const reply = await r.next(s);
    result.replies.push(reply.lines.join(' | '));
    return reply;
  };
  const greeting = await reader.next(socket);
  result.replies.push(greeting.lines.join(' | '));
  if (greeting.code !== 220) return;
  const ehlo = await command(socket, reader, `EHLO ${heloName}`);
  if (ehlo.code !== 250) return;
  result.extensions = keywords(ehlo.lines);
  if (!result.extensions.includes('STARTTLS') || socket instanceof TLSSocket) {
    await command(socket, reader, 'QUIT').catch(() => undefined);
    return;
  }
  const starttls = await command(socket, reader, 'STARTTLS');
  if (starttls.code !== 220) return;
  socket.removeAllListeners('data');
  const secured = await opened(tlsConnect({ socket, rejectUnauthorized: false }), 'secureConnect');
  secured.on('error', () => undefined);
  reader = new ReplyReader(secured);
  const again = await command(secured, reader, `EHLO ${heloName}`);
  if (again.code === 250) result.extensionsAfterTls = keywords(again.lines);
  await command(secured, reader, 'QUIT').catch(() => undefined);
  secured.destroy();
}

/** Connects as a client would (implicit TLS when `tls`), says EHLO, tries STARTTLS when offered, and quits. Rejects when the connection fails. */
export async function probeSmtp(host: string, port: number, tls: boolean, heloName: string): Promise<ProbeResult> {
  const result: ProbeResult = { replies: [], extensions: [], extensionsAfterTls: null };
  const socket = tls
    ? await opened(tlsConnect({ host, port, rejectUnauthorized: false }), 'secureConnect')
    : await opened(netConnect({ host, port }), 'connect');
  socket.on('error', () => undefined);
  try {
    await session(socket, heloName, result);
  } finally {
    socket.destroy();
  }
  return result;
}
