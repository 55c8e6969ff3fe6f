/**
 * Direct delivery: each recipient domain's mail goes to its own MX hosts,
 * tried in order of preference until one of them gives a verdict on the
 * message. A host that cannot be reached, or fails before the transaction
 * (greeting, TLS), passes the message to the next.
 */
import { createTransport } from 'nodemailer';
import type { DeliveryConfig, DkimKey } from '../protocol.js';
import { createRouter, type MailHost } from '../shared/mx-route.js';
import { allRecipients } from './outcome.js';
import { asciiDomain, nodemailerTransaction, sendJob, type Pool } from './send.js';
import type { Deliverer, DeliveryJob, RecipientResult } from './types.js';

export type MxConfig = Extract<DeliveryConfig, { mode: 'mx' }>;

/** Receiving servers dislike many parallel connections from one client; two per host is polite. */
const CONNECTIONS_PER_HOST = 2;
/** Pools kept open at once; the least recently used one is closed beyond this. */
const MAX_POOLS = 50;
/** A host that does not answer should not keep the next MX waiting for nodemailer's default two minutes. */
const CONNECTION_TIMEOUT_MS = 30_000;

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : asciiDomain(address.slice(at + 1));
}

function groupByDomain(recipients: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const recipient of new Set(recipients)) {
    const domain = domainOf(recipient);
    groups.set(domain, [...(groups.get(domain) ?? []), recipient]);
  }
  return groups;
}

export function createMxDeliverer(config: MxConfig, options: { hostname: string; dkim: DkimKey[] }): Deliverer {
  const route = createRouter(config.dnsServers);
  const pools = new Map<string, Pool>();

  function poolFor(host: MailHost, address: string): Pool {
    const key = `${host.name} ${address}`;
    const pool =
      pools.get(key) ??
      createTransport({
        pool: true,
        maxConnections: CONNECTIONS_PER_HOST,
        host: address,
        port: config.port,
        name: options.hostname,
        servername: host.name,
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        // Opportunistic TLS (RFC 7435): encrypt whenever the MX offers STARTTLS, and carry on in
        // the clear if the upgrade fails. Certificates are not verified: MX hosts often present
        // self-signed or mismatched ones, and without DANE or MTA-STS a failed check could only
        // mean falling back to plain text, so checking would refuse nothing an attacker cares
        // about while still stopping the passive eavesdropper it is meant to stop.
        opportunisticTLS: true,
        tls: { rejectUnauthorized: false },
      });
    // Re-inserting keeps the map in least-recently-used order.
    pools.delete(key);
    pools.set(key, pool);
    for (const [oldKey, old] of pools) {
      if (pools.size <= MAX_POOLS) break;
      old.close();
      pools.delete(oldKey);
    }
    return pool;
  }

  async function deliverToDomain(job: DeliveryJob, domain: string, recipients: string[]): Promise<RecipientResult[]> {
    const found = await route(domain);
    if (found.kind !== 'hosts') return allRecipients(recipients, found.kind, found.response);
    const misses: string[] = [];
    for (const host of found.hosts) {
      for (const address of host.addresses) {
        const send = nodemailerTransaction(poolFor(host, address), job);
        const destination = { name: `${host.name}:${config.port}`, context: `MX host ${host.name} [${address}]` };
        const attempt = await sendJob(send, job, recipients, options.dkim, destination);
        if (attempt.answered) return attempt.results;
        misses.push(attempt.results[0]?.response ?? `MX host ${host.name} [${address}] did not answer`);
      }
    }
    return allRecipients(recipients, 'deferred', `No MX host of ${domain} took the message: ${misses.join('; ')}`);
  }

  return {
    async deliver(job) {
      const groups = [...groupByDomain(job.recipients)];
      const settled = await Promise.all(groups.map(([domain, recipients]) => deliverToDomain(job, domain, recipients)));
      const byRecipient = new Map(settled.flat().map((r) => [r.recipient, r]));
      return job.recipients.map(
        (recipient) => byRecipient.get(recipient) ?? { recipient, status: 'deferred', response: 'no delivery was attempted' },
      );
    },
    close() {
      for (const pool of pools.values()) pool.close();
      pools.clear();
      return Promise.resolve();
    },
  };
}
