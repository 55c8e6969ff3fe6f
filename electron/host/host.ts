/**
 * The admin host: opens the settings store, the secret store (keychain or
 * key file) and the vault, supervises the relay, and implements the API
 * contract once. It runs unchanged inside Electron's main process and in
 * plain Node (`relay-desk serve`); only the way the relay child is launched
 * differs.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ApiImplementation, EventEnvelope, RelayState } from '../api/contract.js';
import type { HostContext } from './context.js';
import { describeTightened, prepareDataFolder } from './data-folder.js';
import { DeliveryTracker } from './delivery-state.js';
import { freshSettings, useSmtpPort } from './fresh-settings.js';
import { ADMIN_TOKEN_KEY, vaultExists } from './discovery.js';
import { buildRelayConfig, buildUsersDelta } from './relay-config.js';
import type { LaunchRelay } from './relay-process.js';
import { History } from './history/history.js';
import { rateHistory } from './rate-history.js';
import { TokenKeeper } from './oauth/token-keeper.js';
import { oauthStatus, upstreamOAuthService } from './services/upstream-oauth.js';
import { RelaySupervisor } from './relay-supervisor.js';
import { deliveryService } from './services/delivery.js';
import { doctorService } from './services/doctor.js';
import { queueService, QueueTracker } from './services/queue.js';
import { findList, listsService } from './services/lists.js';
import { messagePropertiesService } from './services/message-properties.js';
import { messagesService } from './services/messages.js';
import { sendersService } from './services/senders.js';
import { ensureCertificate, serverService } from './services/server.js';
import { statsService } from './services/stats.js';
import { usersService } from './services/users.js';
import { openSecretStorage } from './secret-storage.js';
import type { SecretsMode } from './store/schema.js';
import { Store, type Recovery } from './store/store.js';
import { Vault } from './vault.js';
import type { SecretStorageView } from '../api/schemas/secrets.js';
import { HOST_LOG, openLogs, type HostLogs } from './logs.js';
import { loggedLaunch, relayLogLines } from './relay-log.js';
import { logsService } from './services/logs.js';
import { appService, type LoginItem } from './services/app.js';
import { AlertCenter } from './alerts/alert-center.js';
import { AlertHistory } from './alerts/history-file.js';
import { alertsService } from './services/alerts.js';

const HOUR_MS = 3_600_000;

export interface HostOptions {
  dataDir: string;
  launch: LaunchRelay;
  /** A port the relay must listen on (./fresh-settings.ts, useSmtpPort); on a fresh install, the only one. */
  smtpPort?: number;
  /** Smarthost to use, replacing the stored upstream (serve --upstream). */
  upstream?: { host: string; port: number };
  /** DNS servers for verification and direct delivery instead of the system's (serve --dns). */
  dnsServers?: string[];
  /** Where this start must find the vault key (serve --secrets); otherwise where the data folder keeps it. */
  secrets?: SecretsMode;
  /** The logs folder; the data folder's logs/ unless given (the desktop app uses the OS's). */
  logsDir?: string;
  /** Print every log line too (serve in a terminal). */
  logToTerminal?: boolean;
  /** Shows a folder in the system's file manager (the desktop app); resolves with an error text, '' when done. */
  openFolder?: (path: string) => Promise<string>;
  /** Opens an address in the system's browser (the desktop app: the OAuth sign-in); without it, the caller opens it. */
  openExternal?: (url: string) => Promise<void>;
  /** Start at login (the desktop app); without it, app.loginItem answers not_supported. */
  loginItem?: LoginItem;
}

export interface Host {
  readonly api: ApiImplementation;
  /** Every contract event, as the transports forward them. */
  readonly events: EventEmitter<{ event: [EventEnvelope] }>;
  readonly supervisor: RelaySupervisor;
  /** The bearer token of the HTTP transport, kept beside the vault key. */
  readonly adminToken: string;
  /** Where the vault key is kept; its notice is said once at start when it is a file. */
  readonly secretStorage: SecretStorageView;
  /** Set when damaged settings were replaced by the last good copy at start. */
  readonly recovery: Recovery | null;
  /** Set when the data folder was readable by other users and was made private at start. */
  readonly tightened: string | null;
  readonly logs: HostLogs;
  /** What a caller is told of an internal error: that it is in the host's log, and where. */
  readonly internalErrorMessage: string;
  /** Set when the message history could not be read and was set aside at start; also shown as the relay state's problem. */
  readonly historyProblem: string | null;
  /** Set when an earlier version's journal was moved into the message history at this start. */
  readonly journalMigrated: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createHost(options: HostOptions): Promise<Host> {
  const tightened = describeTightened(options.dataDir, await prepareDataFolder(options.dataDir));
  const logs = await openLogs(options.logsDir ?? join(options.dataDir, 'logs'), { terminal: options.logToTerminal ?? false });
  const store = await Store.open(options.dataDir, () => freshSettings(options.smtpPort));
  await store.update((draft) => {
    if (options.smtpPort !== undefined) useSmtpPort(draft.server.listeners, options.smtpPort);
    if (options.upstream) {
      draft.upstream = { mode: 'smarthost', ...options.upstream, security: 'none', user: null, rejectUnauthorized: true, oauth: null };
    }
  });
  const storage = await openSecretStorage({
    dataDir: options.dataDir,
    installationId: store.data.installationId,
    recorded: store.data.secrets,
    vaultExists: await vaultExists(options.dataDir),
    ...(options.secrets ? { asked: options.secrets } : {}),
  });
  const secrets = storage.store;
  const vault = await Vault.open(options.dataDir, secrets);
  let adminToken = await secrets.get(ADMIN_TOKEN_KEY);
  if (!adminToken) {
    adminToken = randomBytes(32).toString('base64url');
    await secrets.set(ADMIN_TOKEN_KEY, adminToken);
  }
  // Recorded only once the key is in place, so a start that failed before leaves the choice open.
  if (store.data.secrets !== storage.mode) await store.update((draft) => void (draft.secrets = storage.mode));

  let supervisor: RelaySupervisor | null = null;
  let delivery: DeliveryTracker | null = null;
  const oauth = new TokenKeeper({
    settings: () => (store.data.upstream.mode === 'smarthost' ? store.data.upstream.oauth : null),
    vault,
    tokensChanged: () => ctx.relayChanged(),
  });
  const ctx: HostContext = {
    dataDir: options.dataDir,
    store,
    vault,
    oauth,
    relayChanged: async () => {
      await supervisor?.reconfigure();
      // The upstream may be the change: the delivery state names it.
      delivery?.changed();
    },
    usersChanged: (names) => supervisor?.updateUsers(buildUsersDelta(ctx, names)) ?? Promise.resolve(),
    submitMail: (mail) => (supervisor ? supervisor.submit(mail) : Promise.reject(new Error('the relay is not running'))),
    dnsServers: () => options.dnsServers ?? store.data.dnsServers,
    hostname: () => hostname(),
  };
  const events = new EventEmitter<{ event: [EventEnvelope] }>();
  const { history, journal } = await History.open(options.dataDir, {
    retentionDays: () => store.data.history.retentionDays,
    onMessage: (row) => events.emit('event', { event: 'message.updated', payload: row }),
    onCounters: (counters) => events.emit('event', { event: 'messages.counters', payload: counters }),
    onProblem: () => events.emit('event', { event: 'relay.state', payload: relayState(running.state) }),
    isList: (name) => findList(store.data.lists, name) !== undefined,
    hasListSpelled: (name) => store.data.lists.some((l) => l.name === name),
  });
  supervisor = new RelaySupervisor({
    launch: loggedLaunch(options.launch, logs.relay),
    config: () => buildRelayConfig(ctx),
    rateHistory: () => rateHistory(store.users.values(), history.acceptedSince(Date.now() - HOUR_MS)),
  });
  const tracker = new DeliveryTracker(() => store.data.upstream, history.lastOutcomes());
  delivery = tracker;
  // A history set aside stays said beside whatever the relay reports.
  const relayState = (state: RelayState): RelayState =>
    history.problem === null ? state : { ...state, problem: state.problem ? `${state.problem} ${history.problem}` : history.problem };
  supervisor.on('state', (state) => events.emit('event', { event: 'relay.state', payload: relayState(state) }));
  const relayLog = relayLogLines(logs.relay);
  supervisor.on('state', relayLog.state);
  supervisor.on('relayEvent', relayLog.event);
  supervisor.on('relayEvent', (event) => {
    history.record(event);
    tracker.record(event);
    if (event.type === 'upstream-token-refused') void oauth.tokenRefused(event.tokenSha256, event.reply);
  });
  tracker.on('change', () => events.emit('event', { event: 'delivery.state', payload: tracker.view() }));
  const queue = new QueueTracker(() => store.data.deliveryPaused);
  supervisor.on('relayEvent', (event) => queue.record(event));
  queue.on('change', (state) => events.emit('event', { event: 'queue.state', payload: state }));
  const running = supervisor;
  const alertHistory = await AlertHistory.open(options.dataDir);
  const alerts = new AlertCenter({ ctx, history: alertHistory, showOnDesktop: (payload) => events.emit('event', { event: 'alert.raised', payload }) });
  alertHistory.on('added', (payload) => events.emit('event', { event: 'alert.sent', payload }));
  supervisor.on('relayEvent', (event) => alerts.relayEvent(event));
  supervisor.on('state', (state) => alerts.relayState(state));
  oauth.on('change', (status) => alerts.upstreamOAuth(status));

  const api: ApiImplementation = {
    'relay.status': () => Promise.resolve(relayState(running.state)),
    ...listsService(ctx, history),
    ...usersService(ctx),
    ...sendersService(ctx),
    ...serverService(ctx),
    ...messagesService(history),
    ...statsService(ctx, history),
    ...messagePropertiesService(ctx),
    'secrets.storage': () => Promise.resolve(storage.view),
    ...logsService(logs.dir, options.openFolder),
    ...deliveryService(tracker, running),
    ...queueService(ctx, queue, running),
    ...appService(options.loginItem, (view) => events.emit('event', { event: 'app.loginItem', payload: view })),
    ...doctorService(ctx, running),
    ...upstreamOAuthService(ctx, {
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    }),
    ...alertsService(ctx, alerts, alertHistory),
  };
  oauth.on('change', () => events.emit('event', { event: 'upstream.oauth', payload: oauthStatus(ctx) }));

  return {
    api,
    events,
    logs,
    internalErrorMessage: `Something went wrong in Relay Desk; the details are in its log, ${join(logs.dir, HOST_LOG)}.`,
    supervisor: running,
    adminToken,
    secretStorage: storage.view,
    recovery: store.recovery,
    tightened,
    historyProblem: history.problem,
    journalMigrated: journal
      ? `The message journal of an earlier version (${journal.lines} lines${journal.skipped > 0 ? `, ${journal.skipped} unreadable and skipped` : ''}) was moved into the message history; the old file is kept as journal.jsonl.migrated.`
      : null,
    async start() {
      await ensureCertificate(ctx);
      history.retention.start((err) => console.error('relay-desk: pruning the message history failed:', err instanceof Error ? err.message : err));
      running.start();
      // Not awaited: a provider slow to answer must not hold the start; the token reconfigures the relay when it comes, mail waiting meanwhile.
      void oauth.start();
      alerts.start();
    },
    async stop() {
      oauth.stop();
      alerts.stop();
      await running.stop();
      await alertHistory.idle();
      history.close();
    },
  };
}
