/**
 * The relay child process. It takes its whole configuration from the host
 * over the IPC channel (never argv or env), validates it, applies it without
 * restarting, and reports everything that happens as events.
 */
import { Delivery } from './delivery.js';
import { connectToParent } from './parent-channel.js';
import { ListenerSet } from './listeners.js';
import {
  ControlMessageSchema,
  type RelayConfig,
  type RelayEvent,
} from './protocol.js';
import { smtpOptions } from './smtp-options.js';
import { Spool } from './spool.js';

const parent = connectToParent();
if (!parent) {
  console.error('The relay runs as a child of the Relay Desk host: start it with `relay-desk serve`.');
  process.exit(2);
}

function emit(event: RelayEvent): void {
  parent?.send(event);
}

let config: RelayConfig | null = null;
let spool: Spool | null = null;
let delivery: Delivery | null = null;
let queued = 0;
let stopping = false;

function setQueued(n: number): void {
  queued = Math.max(0, n);
  emit({ type: 'queue', queued });
}

const listeners = new ListenerSet(() =>
  smtpOptions(() => {
    if (!config || !spool) throw new Error('relay used before it was configured');
    return {
      hostname: config.hostname,
      maxMessageBytes: config.maxMessageBytes,
      spool,
      onAccepted(message) {
        emit({
          type: 'accepted',
          id: message.id,
          size: message.envelope.size,
          envelope: { from: message.envelope.from, to: message.envelope.to },
        });
        setQueued(queued + 1);
        void delivery?.deliver(message);
      },
    };
  }),
);

async function configure(next: RelayConfig): Promise<void> {
  if (config && config.spoolDir !== next.spoolDir) {
    emit({ type: 'config-rejected', reason: 'the spool directory cannot change while the relay runs' });
    return;
  }
  if (!spool) {
    spool = new Spool(next.spoolDir);
    await spool.init();
    delivery = new Delivery(spool, {
      delivered: (id, response) => {
        emit({ type: 'delivered', id, response });
        setQueued(queued - 1);
      },
      deferred: (id, error) => emit({ type: 'deferred', id, error }),
      queueSize: setQueued,
    });
  }
  config = next;
  delivery?.configure(next.upstream);
  await listeners.apply(next.listeners);
  emit({ type: 'listeners', listeners: listeners.states() });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await listeners.closeAll();
  delivery?.stop();
  emit({ type: 'stopped' });
  if (process.connected) process.disconnect();
  process.exit(0);
}

// Messages are handled one at a time so that configurations apply in order.
let chain: Promise<void> = Promise.resolve();
parent.onMessage((raw) => {
  const parsed = ControlMessageSchema.safeParse(raw);
  if (!parsed.success) {
    emit({ type: 'config-rejected', reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return;
  }
  const message = parsed.data;
  chain = chain
    .then(() => (message.type === 'configure' ? configure(message.config) : stop()))
    .catch((err: unknown) => {
      emit({ type: 'config-rejected', reason: err instanceof Error ? err.message : String(err) });
    });
});

// The host is gone (crashed or killed): never linger as an orphan.
parent.onHostGone(() => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

emit({ type: 'ready' });
