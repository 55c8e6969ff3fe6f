/**
 * The relay's ports as devices reach them: each one connected to on
 * loopback and on every LAN address it listens on, greeted, asked EHLO, and
 * its extensions compared with what its encryption promises (STARTTLS
 * offered; AUTH before TLS only where clear-text logins are allowed, after
 * it always). A port the relay could not open is named with the allowed
 * ports free to use instead.
 */
import { createServer } from 'node:net';
import { isAllowedPort } from '../../../../relay/protocol.js';
import { errorMessage } from '../../../../relay/shared/errors.js';
import type { ListenerState } from '../../../api/contract.js';
import type { DoctorCheck } from '../../../api/schemas/doctor.js';
import { lanAddresses } from '../server/lan-addresses.js';
import { probeSmtp, type ProbeResult } from './smtp-probe.js';

/** Where the admin would usually move a blocked port: submission first, then nearby unprivileged ones. */
const CANDIDATE_PORTS = [587, 2525, 2526, 2587, 465, 25, 1025, 3025, 4025];
const SUGGESTED = 3;

/** The local addresses a device or program can reach a listener on. */
function reachableAt(listenAddress: string): string[] {
  if (listenAddress === '0.0.0.0') return ['127.0.0.1', ...lanAddresses().filter((a) => !a.includes(':'))];
  if (listenAddress === '::') return ['127.0.0.1', '::1', ...lanAddresses()];
  return [listenAddress];
}

/** Whether this process could listen on the port now (another program holds it, or it needs privileges, when not). */
function bindable(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Up to three allowed ports nobody uses (the relay's own left out). */
export async function freeAllowedPorts(address: string, taken: readonly number[]): Promise<number[]> {
  const free: number[] = [];
  for (const port of CANDIDATE_PORTS) {
    if (free.length >= SUGGESTED) break;
    if (!isAllowedPort(port) || taken.includes(port)) continue;
    if (await bindable(port, address)) free.push(port);
  }
  return free;
}

/** What is wrong with what a client saw, or null. */
function shortfall(listener: ListenerState, seen: ProbeResult): string | null {
  const greeting = seen.replies[0] ?? '';
  if (!greeting.startsWith('220')) return `greeted with "${greeting}"`;
  if (seen.extensions.length === 0) return `EHLO was answered with "${seen.replies[1] ?? ''}"`;
  const has = (list: string[] | null, keyword: string) => list?.includes(keyword) ?? false;
  if (listener.encryption === 'tls') return has(seen.extensions, 'AUTH') ? null : 'no AUTH offered over TLS';
  const starttls = listener.encryption !== 'none';
  if (starttls && !has(seen.extensions, 'STARTTLS')) return 'STARTTLS is not offered';
  if (starttls && seen.extensionsAfterTls === null) return 'STARTTLS did not succeed';
  if (listener.clearTextLogins && !has(seen.extensions, 'AUTH')) return 'AUTH is not offered';
  if (starttls && !has(seen.extensionsAfterTls, 'AUTH')) return 'AUTH is not offered after STARTTLS';
  return null;
}

function expected(listener: ListenerState): string {
  switch (listener.encryption) {
    case 'tls':
      return 'TLS from the first byte, then AUTH';
    case 'none':
      return 'AUTH without encryption';
    default:
      return listener.clearTextLogins ? 'STARTTLS, and AUTH before and after it' : 'STARTTLS, and AUTH only after it';
  }
}

async function probeAt(listener: ListenerState, address: string, heloName: string): Promise<{ line: string; problem: string | null }> {
  const where = address.includes(':') ? `[${address}]:${listener.port}` : `${address}:${listener.port}`;
  try {
    const seen = await probeSmtp(address, listener.port, listener.encryption === 'tls', heloName);
    const problem = shortfall(listener, seen);
    const extensions = `EHLO: ${seen.extensions.join(' ') || 'none'}${seen.extensionsAfterTls ? `; after STARTTLS: ${seen.extensionsAfterTls.join(' ')}` : ''}`;
    return { line: `${where}: ${problem ?? 'answers'}; ${seen.replies[0] ?? ''}; ${extensions}`, problem: problem && `${where}: ${problem}` };
  } catch (err) {
    return { line: `${where}: ${errorMessage(err)}`, problem: `${where}: ${errorMessage(err)}` };
  }
}

export async function portChecks(listeners: readonly ListenerState[], heloName: string): Promise<DoctorCheck[]> {
  const ports = listeners.map((l) => l.port);
  return Promise.all(
    listeners.map(async (listener): Promise<DoctorCheck> => {
      const base = { id: `port:${listener.port}`, title: `Port ${listener.port}` };
      if (listener.status === 'error') {
        const free = await freeAllowedPorts(listener.address, ports);
        const instead = free.length > 0 ? `Free allowed ports here: ${free.join(', ')}.` : 'No usual allowed port is free here.';
        return {
          ...base,
          status: 'problem',
          summary: `The relay could not open port ${listener.port}: ${(listener.error ?? 'no reason given').replace(/\.$/, '')}.`,
          fix: `${instead} Add one on the Server screen and point the devices at it, or stop the program that holds port ${listener.port}.`,
          details: [],
        };
      }
      const probes = await Promise.all(reachableAt(listener.address).map((address) => probeAt(listener, address, heloName)));
      const problems = probes.flatMap((p) => (p.problem ? [p.problem] : []));
      const details = probes.map((p) => p.line);
      if (problems.length > 0) {
        return {
          ...base,
          status: 'problem',
          summary: `Port ${listener.port} does not answer as it should on every address: ${problems.join('; ')}.`,
          fix: `Expected: ${expected(listener)}. Look at the relay's log (Status, Open log folder); a firewall on this computer may refuse some addresses.`,
          details,
        };
      }
      return { ...base, status: 'ok', summary: `Port ${listener.port} answers on ${probes.length} address(es) with ${expected(listener)}.`, fix: null, details };
    }),
  );
}
