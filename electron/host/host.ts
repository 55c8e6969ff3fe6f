/**
 * The admin host: owns the relay supervisor and implements the API contract.
 * It runs unchanged inside Electron's main process and in plain Node
 * (`relay-desk serve`); only the way the relay child is launched differs.
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DeliveryConfig, RelayConfig } from '../../relay/protocol.js';
import type { ApiImplementation, EventEnvelope } from '../api/contract.js';
import type { LaunchRelay } from './relay-process.js';
import { DEFAULT_LIMITS, DEFAULT_RETRY } from './relay-defaults.js';
import { RelaySupervisor } from './relay-supervisor.js';

export interface HostOptions {
  dataDir: string;
  launch: LaunchRelay;
  smtpPort: number;
  /** Until AUTH lands the relay only listens where nobody else can reach it. */
  smtpAddress: string;
  delivery: DeliveryConfig | null;
}

export interface Host {
  readonly api: ApiImplementation;
  /** Every contract event, as the transports forward them. */
  readonly events: EventEmitter<{ event: [EventEnvelope] }>;
  readonly supervisor: RelaySupervisor;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createHost(options: HostOptions): Host {
  const relayConfig = (): RelayConfig => ({
    hostname: hostname(),
    spoolDir: join(options.dataDir, 'spool'),
    listeners: [{ port: options.smtpPort, address: options.smtpAddress, encryption: 'none', requireTlsForAuth: false }],
    tls: null,
    users: [],
    limits: DEFAULT_LIMITS,
    delivery: options.delivery,
    retry: DEFAULT_RETRY,
    dkim: [],
  });
  const supervisor = new RelaySupervisor({ launch: options.launch, config: relayConfig });
  const events = new EventEmitter<{ event: [EventEnvelope] }>();
  supervisor.on('state', (state) => events.emit('event', { event: 'relay.state', payload: state }));

  const api: ApiImplementation = {
    'relay.status': () => Promise.resolve(supervisor.state),
  };

  return {
    api,
    events,
    supervisor,
    async start() {
      await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
      supervisor.start();
    },
    stop: () => supervisor.stop(),
  };
}
