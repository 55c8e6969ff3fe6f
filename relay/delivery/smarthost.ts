/**
 * Delivery through one smarthost (the provider's or the company's SMTP
 * server) over a small pool of reused connections, with the relay's own lean
 * client (./smtp-client.ts): a spooled message goes out in a few writes, with
 * MAIL, RCPT and DATA pipelined where the server allows it.
 */
import type { DeliveryConfig, DkimKey } from '../protocol.js';
import { signedBody } from './dkim-stream.js';
import { sendJob, type Transaction } from './send.js';
import { SmtpPool } from './smtp-pool.js';
import type { Deliverer } from './types.js';

export type SmarthostConfig = Extract<DeliveryConfig, { mode: 'smarthost' }>;

/** A few parallel connections keep a burst moving without looking like abuse to the provider. */
const MAX_CONNECTIONS = 5;

export interface SmarthostOptions {
  hostname: string;
  dkim: DkimKey[];
  /** Told when the smarthost refused the configured OAuth access token (by its SHA-256). */
  onTokenRefused?: (tokenSha256: string, reply: string) => void;
}

export function createSmarthostDeliverer(config: SmarthostConfig, options: SmarthostOptions): Deliverer {
  const pool = new SmtpPool(
    {
      host: config.host,
      port: config.port,
      name: options.hostname,
      security: config.security,
      rejectUnauthorized: config.rejectUnauthorized,
      auth: config.auth,
      ...(options.onTokenRefused ? { onTokenRefused: options.onTokenRefused } : {}),
    },
    MAX_CONNECTIONS,
  );
  const name = `${config.host}:${config.port}`;
  const destination = { name, context: `smarthost ${name}` };
  return {
    async deliver(job) {
      // DKIM-signed on the way when a key applies (the spool keeps the message unsigned), before a connection is taken.
      const send: Transaction = async (to, keys) => pool.send(job.from, to, await signedBody(job.body, keys));
      const { results } = await sendJob(send, job, job.recipients, options.dkim, destination);
      return results;
    },
    close() {
      pool.close();
      return Promise.resolve();
    },
  };
}
