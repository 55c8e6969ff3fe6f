/**
 * The real relay child (dist/relay/main.js), forked and configured over IPC
 * the way the host does it (see relay/protocol.ts and relay/events.ts), with
 * a fresh durable spool in a temp folder on the same disk as /tmp. One relay
 * process per measured run, so its VmHWM is that run's peak RSS.
 *
 * BENCH_CPU_PROF=1 starts it with --cpu-prof; the profile is written when the
 * relay exits, into the folder printed at the end of the run.
 * BENCH_RELAY_NODE_OPTIONS adds Node/V8 options to the relay's own (for trying a flag).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, statusBytes, waitUntil } from './proc.mjs';

/** BENCH_RELAY_DIST points at another build's dist/ (a copy of an older commit) to compare two relays. */
const distRoot = process.env.BENCH_RELAY_DIST ? pathToFileURL(`${process.env.BENCH_RELAY_DIST}/`) : new URL('../../dist/', import.meta.url);
export const relayEntry = fileURLToPath(new URL('relay/main.js', distRoot));
const verifierModule = new URL('relay/shared/verifier.js', distRoot);
const protocolModule = new URL('relay/protocol.js', distRoot);

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench-password-1';
/** The domain the bench user may send as; the load generator's From and MAIL FROM use it. */
export const BENCH_DOMAIN = 'bench.example';

/** @param {number} port */
const smarthost = (port) => ({ mode: 'smarthost', host: '127.0.0.1', port, security: 'none', auth: null, rejectUnauthorized: true });

let verifier = null;
/** The scrypt verifier the host would hand the relay, made once per bench run. */
async function benchVerifier() {
  /** @type {{ createVerifier(password: string): Promise<string> }} */
  const mod = await import(verifierModule.href);
  verifier ??= await mod.createVerifier(BENCH_PASSWORD);
  return verifier;
}

/**
 * @param {{ sinkPort: number, mode: 'auth' | 'trusted', profileDir: string | null, deliver?: boolean, onEvents?: (events: { type: string }[]) => void }} options
 *   deliver: false starts with no upstream (mail waits in the spool) until startDelivery().
 *   onEvents: each batch of events the relay sends, as the host gets it.
 */
export async function startRelay({ sinkPort, mode, profileDir, deliver = true, onEvents }) {
  if (!existsSync(relayEntry)) throw new Error(`${relayEntry} is missing: run npm run build first`);
  const spoolRoot = await mkdtemp(join(tmpdir(), 'relay-bench-spool-'));
  const port = await freePort();
  const config = {
    hostname: 'relay.bench.test',
    spoolDir: join(spoolRoot, 'spool'),
    listeners: [{ port, address: '127.0.0.1', encryption: 'none', requireTlsForAuth: false }],
    tls: null,
    users: [
      {
        name: BENCH_USER,
        active: true,
        verifier: await benchVerifier(),
        priority: 3,
        list: 'SMTP+',
        senders: [{ kind: 'domain', value: BENCH_DOMAIN, verified: true }],
        // AUTH runs: no trusted address, so every session must log in.
        trustedClients: mode === 'trusted' ? ['127.0.0.1'] : [],
        rateLimitPerHour: null,
      },
    ],
    limits: {
      maxMessageBytes: 30 * 1024 * 1024,
      maxRecipients: 100,
      maxConnections: 300,
      // One load generator on one address opens every connection: no per-address limit may throttle it.
      maxConnectionsPerClient: 300,
      maxConnectionRatePerClient: 10_000_000,
      session: { identifyMs: 60_000, commandLineMs: 30_000, idleMs: 300_000, minDataBytesPerSecond: 500, maxCommandsBeforeAuth: 10 },
      authFailures: { max: 10, windowSeconds: 600, blockSeconds: 900 },
    },
    delivery: deliver ? smarthost(sinkPort) : null,
    retry: { delaysMs: [500], maxLifetimeMs: 3_600_000 },
    dkim: [],
    deliveryPaused: false,
    messageProperties: [],
  };
  // The relay's own Node options, as the host starts it (an older build without them gets none).
  /** @type {{ RELAY_EXEC_ARGV?: string[] }} */
  const protocol = await import(protocolModule.href);
  const extra = process.env.BENCH_RELAY_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const execArgv = [...(protocol.RELAY_EXEC_ARGV ?? []), ...extra, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  const child = fork(relayEntry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json', execArgv });
  const exited = once(child, 'exit');
  const counts = { accepted: 0, delivered: 0, deferred: 0, bounced: 0, rejected: 0 };
  /** @type {unknown[]} */
  const problems = [];
  let ready = false;
  /** @type {{ status: string, error?: string }[] | null} */
  let listeners = null;
  /** The relay answers every applied configuration with a 'listeners' event. */
  let listenerEvents = 0;
  child.on('message', (/** @type {{ events: { type: string }[] }} */ batch) => {
    onEvents?.(batch.events);
    for (const event of batch.events) {
      if (event.type in counts) counts[/** @type {keyof typeof counts} */ (event.type)]++;
      if (event.type === 'ready') ready = true;
      if (event.type === 'listeners') {
        listeners = /** @type {any} */ (event).listeners;
        listenerEvents++;
      }
      // Keep a few samples of what went wrong for the report.
      if (['deferred', 'bounced', 'rejected', 'config-rejected'].includes(event.type) && problems.length < 5) problems.push(event);
    }
  });

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(spoolRoot, { recursive: true, force: true });
  };
  if (!(await waitUntil(() => ready, 15_000))) {
    await kill();
    throw new Error('relay did not report ready');
  }
  child.send({ type: 'configure', seq: 1, config });
  const state = await waitUntil(() => listeners, 15_000);
  if (!state || state[0]?.status !== 'listening') {
    await kill();
    throw new Error(`relay did not listen: ${JSON.stringify(state ?? problems)}`);
  }

  return {
    port,
    pid: /** @type {number} */ (child.pid),
    counts,
    problems,
    /** Gives a relay started with deliver: false its upstream; resolves once applied. */
    async startDelivery() {
      const applied = listenerEvents;
      child.send({ type: 'configure', seq: 2, config: { ...config, delivery: smarthost(sinkPort) } });
      if (!(await waitUntil(() => listenerEvents > applied, 15_000))) throw new Error('relay did not apply the delivery config');
    },
    /** The relay's peak resident memory so far (VmHWM), in bytes. */
    peakRss: () => statusBytes(/** @type {number} */ (child.pid), 'VmHWM'),
    /** Graceful stop as the host does it (so a CPU profile gets written), then the spool goes. */
    async stop() {
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await rm(spoolRoot, { recursive: true, force: true });
    },
  };
}
