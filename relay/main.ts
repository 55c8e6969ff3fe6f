/**
 * The relay child process. It takes its whole configuration from the host
 * over the IPC channel (never argv or env), validates it, applies it without
 * restarting or dropping sessions, and reports what happens as batched events.
 */
import { createDeliverer } from './delivery/index.js';
import type { Deliverer } from './delivery/types.js';
import type { RelayEvent } from './events.js';
import { ListenerSet } from './listeners.js';
import { connectToParent } from './parent-channel.js';
import { ControlMessageSchema, type ControlMessage, type RelayConfig, type RelaySettings } from './protocol.js';
import { Scheduler, type QueueActionResult } from './queue/scheduler.js';
import { newQueueId, Spool } from './queue/spool.js';
import { AuthFailureLimiter, Authenticator, tryLogin } from './session/auth.js';
import { ConnectionGuard } from './session/connection-guard.js';
import { splitAddress, TrustedClients } from './shared/sender-policy.js';
import { RateLimiter } from './session/rate-limit.js';
import { createSessionHooks } from './session/smtp-session.js';
import './smtp-server-patches.js';
import { errorMessage } from './shared/errors.js';

/** Open sessions get this long to finish when the relay stops or a port closes. */
const CLOSE_TIMEOUT_MS = 10_000;
/** Messages delivered at the same time. */
const DELIVERY_CONCURRENCY = 20;
/**
 * smtp-server's own idle timeout, reset by every byte, is only a backstop
 * past the relay's session limits (session/session-clock.ts), which end
 * sooner: it still closes a client that pipelines commands and never reads
 * the replies, when the relay has the turn and no limit of its own runs.
 */
const BACKSTOP_TIMEOUT_MS = 60_000;

const parent = connectToParent();
if (!parent) {
  console.error('The relay runs as a child of the Relay Desk host: start it with `relay-desk serve`.');
  process.exit(2);
}

/**
 * Events travel in batches, one IPC message per EVENT_BATCH_MS at most: under
 * load a message per event would cost the relay and the host more than the
 * mail itself. The delay is far below what a person watching can notice.
 */
const EVENT_BATCH_MS = 20;
let batch: RelayEvent[] = [];
function emit(event: RelayEvent): void {
  if (batch.length === 0) setTimeout(flushEvents, EVENT_BATCH_MS);
  batch.push(event);
}
function flushEvents(): void {
  const events = batch;
  batch = [];
  if (events.length) parent?.send({ events });
}
/** For answers the host is waiting on (an API call returns only then): sent at once, after what came before. */
function emitNow(event: RelayEvent): void {
  emit(event);
  flushEvents();
}

let config: RelaySettings | null = null;
let spool: Spool | null = null;
let scheduler: Scheduler | null = null;
let deliverer: Deliverer | null = null;
let deliveryKey = '';
let trusted = new TrustedClients([]);
let listeners: ListenerSet | null = null;
let stopping = false;
const auth = new Authenticator();
const authLimiter = new AuthFailureLimiter({ max: 10, windowSeconds: 600, blockSeconds: 900 });
const rateLimiter = new RateLimiter();

function current(): RelaySettings {
  if (!config) throw new Error('relay used before it was configured');
  return config;
}

async function start(first: RelaySettings): Promise<void> {
  spool = new Spool(first.spoolDir);
  await spool.open();
  const activeSpool = spool;
  const activeScheduler = new Scheduler({
    spool: activeSpool,
    retry: () => current().retry,
    hostname: () => current().hostname,
    deliverer: () => deliverer,
    paused: () => current().deliveryPaused,
    emit,
    concurrency: DELIVERY_CONCURRENCY,
  });
  scheduler = activeScheduler;
  // Not awaited: the listeners open while the queue loads (150,000 messages take seconds).
  void loadQueue(activeSpool, activeScheduler).catch((err: unknown) => {
    emit({ type: 'config-rejected', reason: `the queue could not be loaded: ${errorMessage(err)}` });
  });
  const hooks = createSessionHooks({
    config: current,
    auth,
    authLimiter,
    trusted: () => trusted,
    rateLimiter,
    spool: activeSpool,
    emit,
    accepted: (message) => scheduler?.add(message),
  });
  const guard = new ConnectionGuard({ limits: () => current().limits, trusted: () => trusted, emit });
  listeners = new ListenerSet(
    (listener) => ({
      name: current().hostname,
      banner: 'Relay Desk ESMTP',
      size: current().limits.maxMessageBytes,
      // Reverse lookups add a DNS round trip to every connection and decide nothing here.
      disableReverseLookup: true,
      authMethods: ['PLAIN', 'LOGIN'],
      // RFC 2034 enhanced status codes on every reply (the relay's own carry precise ones).
      hideENHANCEDSTATUSCODES: false,
      // Trusted devices send without AUTH; everyone else is refused at MAIL/RCPT.
      authOptional: true,
      // The guard decides who connects; smtp-server's own cap (on TLS handshakes in progress) is kept out of its way.
      maxClients: current().limits.maxConnections + 1,
      socketTimeout: current().limits.session.idleMs + BACKSTOP_TIMEOUT_MS,
      closeTimeout: CLOSE_TIMEOUT_MS,
      ...hooks.forListener(listener),
    }),
    hooks.refuseAuthBeforeTls,
    guard,
  );
}

/** Hands the messages queued before this start to the scheduler, then tells the host what the queue holds. */
async function loadQueue(activeSpool: Spool, activeScheduler: Scheduler): Promise<void> {
  const stored = await activeSpool.loadQueued();
  if (activeSpool.setAside.length > 0) emit({ type: 'spool-set-aside', files: activeSpool.setAside });
  // A restart is often the admin's answer to "it is stuck": deferred mail is tried again at once.
  for (const message of stored) {
    message.state.nextAttemptAt = Math.min(message.state.nextAttemptAt, Date.now());
    activeScheduler.add(message);
  }
  // The whole queue now, messages accepted while it loaded included, so the
  // host's message history can match it after a crash and mistakes none for lost.
  emit({
    type: 'queue-snapshot',
    messages: activeScheduler.messages().map(({ meta, state }) => ({
      id: meta.id,
      user: meta.user,
      envelope: meta.envelope,
      from: meta.from,
      subject: meta.subject,
      acceptedAt: new Date(meta.acceptedAt).toISOString(),
      attempts: state.attempts,
    })),
  });
}

async function configure(seq: number, next: RelayConfig): Promise<void> {
  if (config && config.spoolDir !== next.spoolDir) {
    emit({ type: 'config-rejected', seq, reason: 'the spool directory cannot change while the relay runs' });
    return;
  }
  const previous = config;
  const { users, ...settings } = next;
  config = settings;
  auth.setUsers(users);
  authLimiter.setLimits(next.limits.authFailures);
  trusted = new TrustedClients(users);
  if (!previous) await start(settings);
  const key = JSON.stringify([next.delivery, next.dkim, next.hostname]);
  if (key !== deliveryKey) {
    deliveryKey = key;
    const old = deliverer;
    const onTokenRefused = (tokenSha256: string, reply: string) => emit({ type: 'upstream-token-refused', tokenSha256, reply });
    deliverer = next.delivery ? createDeliverer(next.delivery, { hostname: next.hostname, dkim: next.dkim, onTokenRefused }) : null;
    await old?.close();
  }
  // A new upstream is the admin's answer to mail stuck in the queue: it is tried at once, not at each message's next retry.
  if (previous && JSON.stringify(previous.delivery) !== JSON.stringify(next.delivery)) scheduler?.retryNow();
  else scheduler?.kick();
  if (previous && previous.deliveryPaused !== next.deliveryPaused) scheduler?.pauseChanged();
  listeners?.updateLimits({
    size: next.limits.maxMessageBytes,
    maxClients: next.limits.maxConnections + 1,
    socketTimeout: next.limits.session.idleMs + BACKSTOP_TIMEOUT_MS,
  });
  await listeners?.apply(next.listeners, next.tls);
  emitNow({ type: 'listeners', seq, listeners: listeners?.states() ?? [] });
}

/**
 * Changes some users in place. Before the first configure there is nothing to
 * change: that configure, sent once the host hears 'ready', already has them.
 */
function updateUsers({ seq, upsert, remove }: Extract<ControlMessage, { type: 'users' }>): void {
  if (config) {
    auth.updateUsers(upsert, remove);
    trusted.update(upsert, remove);
  }
  emitNow({ type: 'users-applied', seq });
}

/** Queues mail from the host itself; it is delivered like any accepted message. */
async function submit(message: Extract<ControlMessage, { type: 'submit' }>): Promise<void> {
  if (!spool || !scheduler) {
    emit({ type: 'submit-failed', requestId: message.requestId, reason: 'the relay is not configured yet' });
    return;
  }
  const id = newQueueId();
  const stored = await spool.writeWhole(
    {
      v: 1,
      id,
      envelope: { from: message.from, to: message.to },
      user: 'Relay Desk',
      via: 'system',
      priority: 3,
      acceptedAt: Date.now(),
      from: message.from,
      subject: '',
      // Signed with the domain's DKIM key when it is a verified domain, as a user's mail is.
      fromDomain: splitAddress(message.from)?.domain ?? null,
      campaign: null,
      tls: false,
    },
    Buffer.from(message.content),
  );
  scheduler.add(stored);
  emit({ type: 'submitted', requestId: message.requestId, id });
}

/** The admin's test of a login, tried as an SMTP AUTH from its client address would be. */
async function testLogin({ requestId, user, password, client }: Extract<ControlMessage, { type: 'test-login' }>): Promise<void> {
  const attempt = await tryLogin(auth, authLimiter, client, user, password);
  if (attempt.ok) {
    emitNow({ type: 'login-tested', requestId, result: 'ok', blockedUntil: null });
    return;
  }
  const until = attempt.reason === 'blocked' ? attempt.blockedUntil : attempt.blockStarted;
  if (attempt.reason !== 'blocked' && attempt.blockStarted !== null) {
    emit({ type: 'auth-blocked', remoteAddress: client, until: new Date(attempt.blockStarted).toISOString() });
  }
  emitNow({ type: 'login-tested', requestId, result: attempt.reason, blockedUntil: until === null ? null : new Date(until).toISOString() });
}

/** The admin's retry or delete, answered at once so the API call returns; before the queue exists, every id is missing. */
async function answerQueueAction(requestId: string, ids: string[], act: (s: Scheduler) => QueueActionResult | Promise<QueueActionResult>): Promise<void> {
  const result = scheduler ? await act(scheduler) : { done: [], missing: ids };
  emitNow({ type: 'queue-action-done', requestId, ...result });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await listeners?.closeAll();
  await scheduler?.stop();
  await deliverer?.close();
  emit({ type: 'stopped' });
  flushEvents();
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
    .then(() => {
      switch (message.type) {
        case 'configure':
          return configure(message.seq, message.config);
        case 'users':
          return updateUsers(message);
        case 'submit':
          return submit(message);
        case 'retry-now':
          if (message.requestId === undefined) scheduler?.retryNow();
          else return answerQueueAction(message.requestId, [], (s) => s.retryNow());
          return;
        case 'pause':
          if (config) config = { ...config, deliveryPaused: message.paused };
          scheduler?.pauseChanged();
          return;
        case 'retry':
          return answerQueueAction(message.requestId, message.ids, (s) => s.retry(message.ids));
        case 'delete':
          return answerQueueAction(message.requestId, message.ids, (s) => s.delete(message.ids));
        case 'rate-history':
          for (const { user, acceptedAt } of message.users) rateLimiter.seed(user, acceptedAt);
          return;
        case 'test-login':
          return testLogin(message);
        case 'stop':
          return stop();
      }
    })
    .catch((err: unknown) => {
      const reason = errorMessage(err);
      if (message.type === 'submit') emit({ type: 'submit-failed', requestId: message.requestId, reason });
      else emit({ type: 'config-rejected', ...(message.type === 'configure' ? { seq: message.seq } : {}), reason });
    });
});

// The host is gone (crashed or killed): never linger as an orphan.
parent.onHostGone(() => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

emit({ type: 'ready' });
