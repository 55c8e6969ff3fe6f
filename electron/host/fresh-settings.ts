/**
 * What a new installation starts with, so that nothing needs configuring,
 * and what `serve --smtp-port` does to the saved ports.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { DEFAULT_LIMITS } from './relay-defaults.js';
import { DEFAULT_LIST } from './services/lists.js';
import { DEFAULT_AGGREGATION, defaultAlertRules, noMessageProperties, STORE_VERSION, type StoreData } from './store/schema.js';

export const DEFAULT_SMTP_PORT = 2525;

type Listener = StoreData['server']['listeners'][number];

export function freshSettings(smtpPort = DEFAULT_SMTP_PORT): StoreData {
  return {
    version: STORE_VERSION,
    accountId: String(randomInt(100_000, 1_000_000)),
    installationId: randomBytes(9).toString('base64url'),
    nextUserNumber: 0,
    lists: [{ name: DEFAULT_LIST, createdAt: new Date().toISOString(), aggregation: DEFAULT_AGGREGATION, messageProperties: noMessageProperties() }],
    messagePropertiesDefault: noMessageProperties(),
    senders: { domains: [], addresses: [], codeFrom: null },
    server: {
      // Office devices on the LAN reach the relay; AUTH or a trusted address is required to send.
      listenAddress: '0.0.0.0',
      // Passwords never cross the LAN readable unless the admin allows it for a port.
      listeners: [{ port: smtpPort, encryption: 'starttls', requireTlsForAuth: true }],
      tls: null,
      limits: DEFAULT_LIMITS,
    },
    upstream: { mode: 'none' },
    dnsServers: [],
    deliveryPaused: false,
    history: { retentionDays: 30 },
    alerts: { rules: defaultAlertRules(), channels: [] },
  };
}

/**
 * `--smtp-port N` makes the relay listen on N. Where the only saved port is
 * the default one, N takes its place (keeping its encryption): the flag sets
 * the port, and 2525 held by another program would otherwise stay an error
 * on every screen. Beside ports the admin set up, N is added.
 */
export function useSmtpPort(listeners: Listener[], port: number): void {
  if (listeners.some((l) => l.port === port)) return;
  const [only] = listeners;
  if (only && listeners.length === 1 && only.port === DEFAULT_SMTP_PORT) listeners[0] = { ...only, port };
  else listeners.push({ port, encryption: 'starttls', requireTlsForAuth: true });
}
