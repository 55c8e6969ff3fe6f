/**
 * Settings files written by older versions are brought up to the current
 * schema step by step, each step a pure function of the previous shape.
 */
import { STORE_VERSION } from './schema.js';

type Raw = Record<string, unknown>;

/**
 * Version 1 kept a user's authorized senders as one ";"-separated string and
 * had no trusted devices or DNS server setting.
 */
function v1ToV2(data: Raw): Raw {
  const users = Array.isArray(data.users) ? (data.users as Raw[]) : [];
  return {
    ...data,
    version: 2,
    users: users.map(({ senders, ...user }) => {
      const entries = typeof senders === 'string' ? senders.split(';').map((s) => s.trim().toLowerCase()).filter(Boolean) : [];
      return {
        ...user,
        domains: entries.filter((e) => !e.includes('@')),
        addresses: entries.filter((e) => e.includes('@')),
        trustedClients: [],
      };
    }),
    dnsServers: [],
  };
}

/** Where a migrated file's users wait until the store writes them to their own file. */
export const MOVED_USERS = 'usersMovedOut';

/** Version 3 keeps SMTP users in users.jsonl: settings.json no longer grows with them. */
function v2ToV3({ users, ...data }: Raw): Raw {
  return { ...data, version: 3, [MOVED_USERS]: users };
}

/**
 * Version 4 limits connections per client address too. Older settings get
 * the defaults version 4 shipped with (written out here, so this step stays
 * what it was if the defaults ever change).
 */
function v3ToV4(data: Raw): Raw {
  const server = (data.server ?? {}) as Raw;
  const limits = (server.limits ?? {}) as Raw;
  return { ...data, version: 4, server: { ...server, limits: { ...limits, maxConnectionsPerClient: 50, maxConnectionRatePerClient: 3000 } } };
}

/**
 * Version 5 keeps message properties (a header and a footer) per list, and
 * the ones a new list starts with: nothing written and switched off, so
 * mail goes on as it did.
 */
function v4ToV5(data: Raw): Raw {
  const none = () => ({ header: { on: false, text: '', html: '' }, footer: { on: false, text: '', html: '' } });
  const lists = Array.isArray(data.lists) ? (data.lists as Raw[]) : [];
  return { ...data, version: 5, lists: lists.map((list) => ({ ...list, messageProperties: none() })), messagePropertiesDefault: none() };
}

/**
 * Version 6 has the alert center: the rules version 6 shipped with (written
 * out here, so this step stays what it was if the defaults change) and no
 * channel, so nothing is sent until the admin adds one.
 */
function v5ToV6(data: Raw): Raw {
  const rule = (kind: string, threshold: number | null = null, queueThreshold: number | null = null) => ({ kind, list: null, on: true, threshold, queueThreshold });
  const rules = [
    rule('user-blocked', 5),
    rule('sender-refused'),
    rule('message-bounced'),
    rule('delivery-problem', 30, 100),
    rule('certificate-expiring', 14),
    rule('relay-down'),
  ];
  return { ...data, version: 6, alerts: { rules, channels: [] } };
}

const steps: Record<number, (data: Raw) => Raw> = { 1: v1ToV2, 2: v2ToV3, 3: v3ToV4, 4: v4ToV5, 5: v5ToV6 };

export class StoreVersionError extends Error {}

/** Returns data at the current version, or throws when it cannot be brought there. */
export function migrate(data: Raw): Raw {
  let current = data;
  let version = typeof current.version === 'number' ? current.version : NaN;
  if (version > STORE_VERSION) {
    throw new StoreVersionError(`the settings were written by a newer Relay Desk (format ${version}; this one reads up to ${STORE_VERSION})`);
  }
  while (version < STORE_VERSION) {
    const step = steps[version];
    if (!step) throw new StoreVersionError(`the settings have an unknown format version (${String(data.version)})`);
    current = step(current);
    version = current.version as number;
  }
  return current;
}
