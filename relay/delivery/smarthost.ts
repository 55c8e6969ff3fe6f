/**
 * Delivery through one smarthost (the provider's or the company's SMTP
 * server) over a small pool of reused connections.
 */
import { createTransport } from 'nodemailer';
import type { DeliveryConfig, DkimKey } from '../protocol.js';
import { sendJob } from './send.js';
import type { Deliverer } from './types.js';

export type SmarthostConfig = Extract<DeliveryConfig, { mode: 'smarthost' }>;

/** A few parallel connections keep a burst moving without looking like abuse to the provider. */
const MAX_CONNECTIONS = 5;

/** How each security choice maps onto nodemailer: none never upgrades, starttls refuses to go on without TLS. */
export function securityOptions(security: SmarthostConfig['security']) {
  switch (security) {
    case 'none':
      return { secure: false, ignoreTLS: true };
    case 'starttls':
      return { secure: false, requireTLS: true };
    case 'tls':
      return { secure: true };
  }
}

export function createSmarthostDeliverer(config: SmarthostConfig, options: { hostname: string; dkim: DkimKey[] }): Deliverer {
  const pool = createTransport({
    pool: true,
    maxConnections: MAX_CONNECTIONS,
    // nodemailer reconnects after 100 messages by default; a smarthost that wants otherwise closes the session itself.
    maxMessages: Infinity,
    host: config.host,
    port: config.port,
    name: options.hostname,
    ...securityOptions(config.security),
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    ...(config.auth
      ? {
          auth: { user: config.auth.user, pass: config.auth.password },
          // Log in even when AUTH is not advertised (e.g. only after STARTTLS): a missing login
          // then shows as the configuration problem it is, not as "relay denied" bounces.
          forceAuth: true,
        }
      : {}),
  });
  const context = `smarthost ${config.host}:${config.port}`;
  return {
    async deliver(job) {
      const { results } = await sendJob(pool, job, job.recipients, options.dkim, context);
      return results;
    },
    close() {
      pool.close();
      return Promise.resolve();
    },
  };
}
