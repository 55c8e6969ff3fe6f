/**
 * Keeps the relay child alive: starts it, pushes the configuration whenever
 * it is ready or the configuration changes, restarts it with backoff when it
 * dies, and stops it gracefully (then forcibly) on quit. Its state is what the
 * UI shows as "relay status".
 */
import { EventEmitter } from 'node:events';
import { RelayBatchSchema, type RelayEvent } from '../../relay/events.js';
import type { RelayConfig } from '../../relay/protocol.js';
import type { RelayState } from '../api/contract.js';
import type { LaunchRelay, RelayChild } from './relay-process.js';

export interface SupervisorOptions {
  launch: LaunchRelay;
  config: () => RelayConfig;
  /** Delays before successive restarts; the last one repeats. */
  restartDelaysMs?: number[];
  /** How long a graceful stop may take before the child is killed. */
  stopTimeoutMs?: number;
}

/** A child that stayed up this long is healthy again: the backoff starts over. */
const HEALTHY_AFTER_MS = 30_000;

export class RelaySupervisor extends EventEmitter<{ state: [RelayState]; relayEvent: [RelayEvent] }> {
  private child: RelayChild | null = null;
  private stopping = false;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private current: RelayState = { status: 'stopped', listeners: [], queued: 0 };

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
    this.spawn();
  }

  /** Sends the current configuration; the relay applies it without a restart. */
  reconfigure(): void {
    this.child?.send({ type: 'configure', config: this.options.config() });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) {
      this.update({ status: 'stopped' });
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
      case 'ready':
        this.reconfigure();
        break;
      case 'listeners':
        this.update({ status: 'running', listeners: event.listeners, problem: undefined });
        break;
      case 'queue':
        this.update({ queued: event.queued });
        break;
      case 'config-rejected':
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
