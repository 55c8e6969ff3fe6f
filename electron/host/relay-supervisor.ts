/**
 * Keeps the relay child alive: starts it, pushes the configuration whenever
 * it is ready or the configuration changes, restarts it with backoff when it
 * dies, and stops it gracefully (then forcibly) on quit. Its state is what the
 * UI shows as "relay status".
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { dirname } from 'node:path';
import { RelayBatchSchema, type RelayEvent } from '../../relay/events.js';
import type { ControlMessage, RateHistory, RelayConfig, RelayUser } from '../../relay/protocol.js';
import type { RelayState } from '../api/contract.js';
import type { LaunchRelay, RelayChild } from './relay-process.js';

export interface SupervisorOptions {
  launch: LaunchRelay;
  config: () => RelayConfig;
  /** What the relay's rate limiter had counted in the last hour, handed to each new relay process. */
  rateHistory?: () => RateHistory[];
  /** Delays before successive restarts; the last one repeats. */
  restartDelaysMs?: number[];
  /** How long a graceful stop may take before the child is killed. */
  stopTimeoutMs?: number;
}

const SUBMIT_TIMEOUT_MS = 30_000;
/** Deleting waits for an attempt in progress to end (a slow upstream may take minutes); past this the call fails and the relay still acts. */
const QUEUE_ACTION_TIMEOUT_MS = 120_000;

/** The relay's verdict on a test login. */
export type LoginTested = Omit<Extract<RelayEvent, { type: 'login-tested' }>, 'type' | 'requestId'>;

export interface QueueActionResult {
  done: string[];
  missing: string[];
}
/** A relay that takes longer than this to apply settings is reported by its state, not by a hanging API call. */
const APPLY_TIMEOUT_MS = 5_000;

/** A child that stayed up this long is healthy again: the backoff starts over. */
const HEALTHY_AFTER_MS = 30_000;

export class RelaySupervisor extends EventEmitter<{ state: [RelayState]; relayEvent: [RelayEvent] }> {
  private child: RelayChild | null = null;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private current: RelayState = { status: 'stopped', listeners: [], queued: 0 };
  /** Configurations sent and not yet answered, by seq. */
  private readonly configWaiters = new Map<number, () => void>();
  private configSeq = 0;
  /** Users changes sent and not yet acknowledged, by seq. */
  private readonly usersWaiters = new Map<number, () => void>();
  private usersSeq = 0;
  private standingProblem: string | undefined;
  private readonly submissions = new Map<string, Pending<string>>();
  private readonly queueActions = new Map<string, Pending<QueueActionResult>>();
  private readonly loginTests = new Map<string, Pending<LoginTested>>();

  constructor(private readonly options: SupervisorOptions) {
    super();
  }

  get state(): RelayState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    this.restarts = 0;
    this.spawn();
  }

  /**
   * Sends the current configuration; the relay applies it without a restart.
   * Resolves once the relay reports it applied (or is gone), so that an API
   * call that changed something returns when the change is in force.
   */
  reconfigure(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    const seq = ++this.configSeq;
    const applied = appliedOrTimeout((done) => this.configWaiters.set(seq, done));
    child.send({ type: 'configure', seq, config: this.options.config() });
    return applied;
  }

  /**
   * Sends only what changed for some users (10,000 users are not sent again
   * for one). Resolves once the relay applied it, like reconfigure(). A relay
   * that starts later gets them with its whole configuration.
   */
  updateUsers(delta: { upsert: RelayUser[]; remove: string[] }): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    const seq = ++this.usersSeq;
    const applied = appliedOrTimeout((done) => this.usersWaiters.set(seq, done));
    child.send({ type: 'users', seq, ...delta });
    return applied;
  }

  /** The relay applies messages in order: an answer covers every earlier change too. */
  private static release(waiters: Map<number, () => void>, upTo: number): void {
    for (const [seq, done] of waiters) {
      if (seq > upTo) continue;
      waiters.delete(seq);
      done();
    }
  }

  private configApplied(upTo: number): void {
    RelaySupervisor.release(this.configWaiters, upTo);
  }

  private usersApplied(upTo: number): void {
    RelaySupervisor.release(this.usersWaiters, upTo);
  }

  /** Asks the relay to try every waiting message now; what happens comes back as its events. */
  retryNow(): void {
    this.child?.send({ type: 'retry-now' });
  }

  /** Pauses or resumes delivery in the running relay (the caller records it in the settings for the next start); the queue event that follows says so. */
  pause(paused: boolean): void {
    this.child?.send({ type: 'pause', paused });
  }

  /** Makes these queued messages (or every deferred one) due now; resolves with the relay's answer: which it acted on, which it does not hold. */
  retryMessages(ids: string[] | 'all-deferred'): Promise<QueueActionResult> {
    return this.request(this.queueActions, QUEUE_ACTION_TIMEOUT_MS, (requestId) =>
      ids === 'all-deferred' ? { type: 'retry-now', requestId } : { type: 'retry', requestId, ids },
    );
  }

  /** Removes these queued messages undelivered; resolves once the relay did (one in an attempt, when that ends). */
  deleteMessages(ids: string[]): Promise<QueueActionResult> {
    return this.request(this.queueActions, QUEUE_ACTION_TIMEOUT_MS, (requestId) => ({ type: 'delete', requestId, ids }));
  }

  /** Hands mail from the host to the relay's queue; resolves with its queue id. */
  submit(mail: { from: string; to: string[]; content: string }): Promise<string> {
    return this.request(this.submissions, SUBMIT_TIMEOUT_MS, (requestId) => ({ type: 'submit', requestId, ...mail }));
  }

  /** Tries a login as an SMTP AUTH from `client` would be tried, counted toward its block; resolves with the relay's verdict. */
  testLogin(login: { user: string; password: string; client: string }): Promise<LoginTested> {
    return this.request(this.loginTests, QUEUE_ACTION_TIMEOUT_MS, (requestId) => ({ type: 'test-login', requestId, ...login }));
  }

  /** Sends a control message that the relay answers by its requestId; rejects when it does not in time or stops first. */
  private request<T>(pending: Map<string, Pending<T>>, timeoutMs: number, message: (requestId: string) => ControlMessage): Promise<T> {
    const child = this.child;
    if (!child || this.current.status !== 'running') return Promise.reject(new Error('the relay is not running'));
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(pending, requestId, new Error('the relay did not answer in time')), timeoutMs);
      pending.set(requestId, { resolve, reject, timer });
      child.send(message(requestId));
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) {
      this.update({ status: 'stopped', listeners: [], problem: undefined });
      return;
    }
    this.update({ status: 'stopping' });
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs ?? 15_000);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    this.update({ status: this.restarts > 0 ? 'restarting' : 'starting', listeners: [] });
    const child = this.options.launch();
    this.child = child;
    this.startedAt = Date.now();
    child.onMessage((raw) => this.onChildMessage(raw));
    child.onExit((code, signal) => this.onChildExit(child, code, signal));
  }

  private onChildMessage(raw: unknown): void {
    const parsed = RelayBatchSchema.safeParse(raw);
    if (!parsed.success) {
      this.update({ problem: 'The relay sent a message the host does not understand; it may be a different version.' });
      return;
    }
    for (const event of parsed.data.events) this.onRelayEvent(event);
  }

  private onRelayEvent(event: RelayEvent): void {
    switch (event.type) {
      case 'ready': {
        void this.reconfigure();
        const users = this.options.rateHistory?.() ?? [];
        if (users.length > 0) this.child?.send({ type: 'rate-history', users });
        break;
      }
      case 'listeners':
        // A configuration answered while stopping does not make the relay running again.
        this.update({ status: this.stopping ? 'stopping' : 'running', listeners: event.listeners, problem: this.standingProblem });
        this.configApplied(event.seq);
        break;
      case 'queue':
        this.update({ queued: event.queued });
        break;
      case 'spool-set-aside':
        // Stays shown while the relay runs: the admin has files to look at.
        this.standingProblem = `${event.files.length} queued message file(s) could not be read and were moved to ${dirname(event.files[0]?.file ?? '')}: ${event.files[0]?.reason ?? ''}`;
        this.update({ problem: this.standingProblem });
        break;
      case 'submitted':
        settle(this.submissions, event.requestId, event.id);
        break;
      case 'submit-failed':
        settle(this.submissions, event.requestId, new Error(event.reason));
        break;
      case 'login-tested':
        settle(this.loginTests, event.requestId, { result: event.result, blockedUntil: event.blockedUntil });
        break;
      case 'queue-action-done':
        settle(this.queueActions, event.requestId, { done: event.done, missing: event.missing });
        break;
      case 'users-applied':
        this.usersApplied(event.seq);
        break;
      case 'config-rejected':
        if (event.seq !== undefined) this.configApplied(event.seq);
        this.usersApplied(Infinity);
        this.update({ problem: `The relay refused its configuration: ${event.reason}` });
        break;
      default:
        break;
    }
    this.emit('relayEvent', event);
  }

  private onChildExit(child: RelayChild, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    for (const id of [...this.submissions.keys()]) settle(this.submissions, id, new Error('the relay stopped before queueing the message'));
    for (const id of [...this.queueActions.keys()]) settle(this.queueActions, id, new Error('the relay stopped before it answered'));
    for (const id of [...this.loginTests.keys()]) settle(this.loginTests, id, new Error('the relay stopped before it answered'));
    this.configApplied(Infinity);
    this.usersApplied(Infinity);
    if (this.stopping) {
      this.update({ status: 'stopped', listeners: [] });
      return;
    }
    if (Date.now() - this.startedAt > HEALTHY_AFTER_MS) this.restarts = 0;
    const delays = this.options.restartDelaysMs ?? [500, 1_000, 2_000, 5_000, 10_000, 30_000];
    const delay = delays[Math.min(this.restarts, delays.length - 1)] ?? 1_000;
    this.restarts += 1;
    const how = signal ? `was stopped by signal ${signal}` : `exited with code ${code}`;
    this.update({
      status: 'restarting',
      listeners: [],
      problem: `The relay process ${how}; restarting in ${Math.round(delay / 100) / 10} s.`,
    });
    this.restartTimer = setTimeout(() => this.spawn(), delay);
  }

  private update(patch: Partial<RelayState>): void {
    const next: RelayState = { ...this.current, ...patch };
    if (next.problem === undefined) delete next.problem;
    this.current = next;
    this.emit('state', next);
  }
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

function settle<T>(pending: Map<string, Pending<T>>, requestId: string, outcome: T | Error): void {
  const waiting = pending.get(requestId);
  if (!waiting) return;
  pending.delete(requestId);
  clearTimeout(waiting.timer);
  if (outcome instanceof Error) waiting.reject(outcome);
  else waiting.resolve(outcome);
}

/** Resolves when the relay acknowledges (the waiter registered is called) or after APPLY_TIMEOUT_MS. */
function appliedOrTimeout(register: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, APPLY_TIMEOUT_MS);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    register(done);
  });
}
