/**
 * A few reused connections to one server. A job takes an idle connection or
 * opens one (up to the limit) or waits its turn; a connection idle for a while
 * is closed with QUIT. A reused connection the server dropped while it sat
 * idle is replaced once, without counting as an attempt: the server never saw
 * the transaction.
 */
import type { Readable } from 'node:stream';
import type { SentInfo } from './outcome.js';
import { SmtpClient, type ClientOptions } from './smtp-client.js';

/** Long enough to carry a burst over short gaps; short enough not to sit on a provider's session slots. */
const IDLE_CLOSE_MS = 30_000;

export class SmtpPool {
  private readonly idle: SmtpClient[] = [];
  private readonly idleTimers = new Map<SmtpClient, NodeJS.Timeout>();
  private readonly queue: ((client: SmtpClient | null) => void)[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly options: ClientOptions,
    private readonly maxConnections: number,
  ) {}

  /** One transaction on a pooled connection; `body` is called for each try (a stream is read once). */
  async send(from: string, to: string[], body: () => Buffer | Readable): Promise<SentInfo> {
    const client = await this.acquire();
    const mark = client.received;
    try {
      return await client.transaction(from, to, body());
    } catch (err) {
      const stale = client.sent > 1 && client.received === mark && !client.usable;
      if (!stale) throw err;
    } finally {
      this.release(client);
    }
    const another = await this.acquire();
    try {
      return await another.transaction(from, to, body());
    } finally {
      this.release(another);
    }
  }

  private async acquire(): Promise<SmtpClient> {
    if (this.closed) throw new Error('the delivery pool is closed');
    const idle = this.idle.pop();
    if (idle) {
      clearTimeout(this.idleTimers.get(idle));
      this.idleTimers.delete(idle);
      return idle;
    }
    if (this.open >= this.maxConnections) {
      // Handed a connection by release(), or null when a slot opened up.
      const handed = await new Promise<SmtpClient | null>((resolve) => this.queue.push(resolve));
      return handed ?? this.acquire();
    }
    this.open++;
    try {
      const client = await SmtpClient.open(this.options);
      client.onClose = () => this.forget(client);
      return client;
    } catch (err) {
      this.open--;
      this.wakeOne();
      throw err;
    }
  }

  private release(client: SmtpClient): void {
    if (!client.usable) return;
    if (this.closed) {
      client.quit();
      return;
    }
    const next = this.queue.shift();
    if (next) {
      next(client);
      return;
    }
    this.idle.push(client);
    this.idleTimers.set(client, setTimeout(() => client.quit(), IDLE_CLOSE_MS).unref());
  }

  /** A connection ended (closed by either side or failed): its slot is free. */
  private forget(client: SmtpClient): void {
    this.open--;
    clearTimeout(this.idleTimers.get(client));
    this.idleTimers.delete(client);
    const at = this.idle.indexOf(client);
    if (at >= 0) this.idle.splice(at, 1);
    this.wakeOne();
  }

  /** A waiter whose slot opened up tries again (it may open a connection now). */
  private wakeOne(): void {
    this.queue.shift()?.(null);
  }

  close(): void {
    this.closed = true;
    for (const client of this.idle.splice(0)) client.quit();
    for (const waiter of this.queue.splice(0)) waiter(null);
  }
}
