/** Settings as a fresh installation has them, for tests of the store and the services. */
import { defaultAlertRules, noMessageProperties, STORE_VERSION, type StoreData } from '../host/store/schema.js';

export function testSettings(change: Partial<StoreData> = {}): StoreData {
  return {
    version: STORE_VERSION,
    accountId: '123456',
    installationId: 'test-installation',
    nextUserNumber: 0,
    lists: [{ name: 'SMTP+', createdAt: '2026-11-26T00:00:00.000Z', aggregation: { mode: 'time', unit: 'day' }, messageProperties: noMessageProperties() }],
    messagePropertiesDefault: noMessageProperties(),
    senders: { domains: [], addresses: [], codeFrom: null },
    server: {
      listenAddress: '0.0.0.0',
      listeners: [{ port: 2525, encryption: 'starttls', requireTlsForAuth: false }],
      tls: null,
      limits: { maxMessageBytes: 25 * 1024 * 1024, maxRecipients: 100, maxConnections: 200, maxConnectionsPerClient: 50, maxConnectionRatePerClient: 3000 },
    },
    upstream: { mode: 'none' },
    dnsServers: [],
    deliveryPaused: false,
    history: { retentionDays: 30 },
    alerts: { rules: defaultAlertRules(), channels: [] },
    ...change,
  };
}
