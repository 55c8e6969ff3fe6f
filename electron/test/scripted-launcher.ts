/**
 * The supervisor's tests' harness: a supervisor whose launcher forks the
 * scripted relay (e2e/fixtures/scripted-relay.ts) the way relay-process.ts
 * forks the real one, with the argv the test gives each launch; what happened
 * to every child and every state and event the supervisor announced, recorded
 * so a test can wait on them; and when the test ends, the supervisor stopped
 * and every child still running killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import type { TestContext } from 'node:test';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RelayEvent } from '../../relay/events.js';
import type { RelayConfig } from '../../relay/protocol.js';
import type { RelayState } from '../api/contract.js';
import { forkedRelayChild, type LaunchRelay } from '../host/relay-process.js';
import { RelaySupervisor, type SupervisorOptions } from '../host/relay-supervisor.js';

/** Built by the e2e project, which the unit suite's build includes. */
const scriptedRelay = fileURLToPath(new URL('../../e2e/fixtures/scripted-relay.js', import.meta.url));

const WAIT_MS = 10_000;

export interface ScriptedChild {
  readonly process: ChildProcess;
  /** The control messages it received, in order. */
  readonly received: { type?: string; invalid?: unknown; [key: string]: unknown }[];
  /** SIGKILLs the supervisor sent it. */
  readonly kills: NodeJS.Signals[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once `count` messages of the type have arrived. */
  waitForReceived(type: string, count?: number): Promise<void>;
}

export interface Supervised extends Watched {
  readonly supervisor: RelaySupervisor;
  /** Every child launched, oldest first. */
  readonly children: ScriptedChild[];
}

/**
 * A supervisor (not started) whose launch n runs the scripted relay with
 * scripts[n] as its argv, the last one repeating, and the test configuration
 * unless options say otherwise.
 */
export function supervise(t: Pick<TestContext, 'after'>, scripts: string[][], options: Partial<SupervisorOptions> = {}): Supervised {
  const children: ScriptedChild[] = [];
  const supervisor = new RelaySupervisor({ launch: scriptedLauncher(scripts, children), config: () => testConfig(), ...options });
  t.after(async () => {
    // Stopping first: a child killed under a running supervisor would be restarted.
    const stopped = supervisor.stop();
    for (const { process: child, exited } of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
    await stopped;
  });
  return { supervisor, children, ...watch(supervisor) };
}

export function scriptedLauncher(scripts: string[][], children: ScriptedChild[]): LaunchRelay {
  return () => {
    const argv = scripts[Math.min(children.length, scripts.length - 1)] ?? [];
    const child = fork(scriptedRelay, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const received: ScriptedChild['received'] = [];
    const feed = new EventEmitter<{ received: [] }>();
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        received.push(JSON.parse(line) as ScriptedChild['received'][number]);
        feed.emit('received');
      });
    }
    const kills: NodeJS.Signals[] = [];
    children.push({
      process: child,
      received,
      kills,
      exited,
      waitForReceived: (type, count = 1) =>
        waitFor(feed, 'received', () => received.filter((m) => m.type === type).length >= count, () => `${count} "${type}" message(s); got ${JSON.stringify(received.map((m) => m.type))}`),
    });
    // stdout carries what the child received; its stderr is its output, as a relay's would be.
    const relay = forkedRelayChild(child, [child.stderr]);
    return {
      ...relay,
      kill: (signal) => {
        kills.push(signal);
        relay.kill(signal);
      },
    };
  };
}

export interface Watched {
  /** Every state the supervisor announced, and every relay event it passed on. */
  readonly states: RelayState[];
  readonly events: RelayEvent[];
  /** Resolves with the supervisor's state once it matches (now or later). */
  waitForState: (match: (s: RelayState) => boolean, what: string) => Promise<RelayState>;
  /** Resolves once `count` relay events of the type have been passed on. */
  waitForEvents: (type: RelayEvent['type'], count?: number) => Promise<void>;
}

export function watch(supervisor: RelaySupervisor): Watched {
  const states: RelayState[] = [];
  const events: RelayEvent[] = [];
  supervisor.on('state', (state) => states.push(state));
  supervisor.on('relayEvent', (event) => events.push(event));
  return {
    states,
    events,
    waitForState: async (match, what) => {
      await waitFor(supervisor, 'state', () => match(supervisor.state), () => `a state where ${what}; states: ${JSON.stringify(states)}`);
      return supervisor.state;
    },
    waitForEvents: (type, count = 1) =>
      waitFor(supervisor, 'relayEvent', () => events.filter((e) => e.type === type).length >= count, () => `${count} "${type}" event(s); events: ${JSON.stringify(events)}`),
  };
}

/** Resolves as soon as `done()` holds, checked now and at each `event` of `emitter`. */
function waitFor(emitter: EventEmitter, event: string, done: () => boolean, describe: () => string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      if (!done()) return;
      clearTimeout(timer);
      emitter.off(event, onEvent);
      resolve();
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`waited ${WAIT_MS} ms for ${describe()}`));
    }, WAIT_MS).unref();
    emitter.on(event, onEvent);
  });
}

/** Whether a promise has settled by now: a settled one wins the race against the next turn of the event loop. */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const next = new Promise((resolve) => setImmediate(() => resolve(pending)));
  return (await Promise.race([promise.then(() => true, () => true), next])) !== pending;
}

/** A configuration the scripted relay answers for: one listener, nothing else the supervisor reads. */
export function testConfig(port = 2525): RelayConfig {
  return {
    hostname: 'relay.test',
    spoolDir: '/nonexistent/spool',
    listeners: [{ port, address: '127.0.0.1', encryption: 'none', requireTlsForAuth: false }],
    tls: null,
    users: [],
    limits: {
      maxMessageBytes: 1024,
      maxRecipients: 10,
      maxConnections: 10,
      maxConnectionsPerClient: 10,
      maxConnectionRatePerClient: 10,
      session: { identifyMs: 1000, commandLineMs: 1000, idleMs: 1000, minDataBytesPerSecond: 100, maxCommandsBeforeAuth: 10 },
      authFailures: { max: 10, windowSeconds: 60, blockSeconds: 60 },
    },
    delivery: null,
    retry: { delaysMs: [1000], maxLifetimeMs: 60_000 },
    dkim: [],
    deliveryPaused: false,
    messageProperties: [],
  };
}
