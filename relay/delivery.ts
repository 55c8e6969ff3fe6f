/**
 * Forwards spooled messages to the configured upstream. The body is sent as
 * spooled (`raw`), with an envelope built only from what the spool recorded:
 * nothing the client supplied beyond the addresses reaches the upstream.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { UpstreamConfig } from './protocol.js';
import type { Spool, SpooledMessage } from './spool.js';

/** Until the retry scheduler lands, deferred mail is retried at this fixed pace. */
const RETRY_INTERVAL_MS = 30_000;

export interface DeliveryEvents {
  delivered(id: string, response: string): void;
  deferred(id: string, error: string): void;
  queueSize(queued: number): void;
}

export class Delivery {
  private upstream: UpstreamConfig | null = null;
  private transport: Transporter | null = null;
  private readonly inFlight = new Set<string>();
  private readonly retryTimer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly spool: Spool,
    private readonly events: DeliveryEvents,
  ) {
    this.retryTimer = setInterval(() => void this.flush(), RETRY_INTERVAL_MS);
    this.retryTimer.unref();
  }

  configure(upstream: UpstreamConfig | null): void {
    if (JSON.stringify(upstream) === JSON.stringify(this.upstream)) return;
    this.transport?.close();
    this.upstream = upstream;
    this.transport = upstream
      ? createTransport({
          host: upstream.host,
          port: upstream.port,
          secure: false,
          pool: true,
          maxConnections: 5,
        })
      : null;
    void this.flush();
  }

  /** Tries every message in the spool that is not already being sent. */
  async flush(): Promise<void> {
    const messages = await this.spool.list();
    this.events.queueSize(messages.length);
    await Promise.all(messages.map((m) => this.deliver(m)));
  }

  async deliver(message: SpooledMessage): Promise<void> {
    const transport = this.transport;
    if (this.stopped || !transport || this.inFlight.has(message.id)) return;
    this.inFlight.add(message.id);
    try {
      const info = await transport.sendMail({
        envelope: { from: message.envelope.from, to: message.envelope.to },
        raw: this.spool.openBody(message.id),
      });
      await this.spool.remove(message.id);
      this.events.delivered(message.id, info.response ?? '');
    } catch (err) {
      this.events.deferred(message.id, err instanceof Error ? err.message : String(err));
    } finally {
      this.inFlight.delete(message.id);
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.retryTimer);
    this.transport?.close();
  }
}
