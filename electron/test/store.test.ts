/**
 * The settings store against real files: nothing lost under concurrent
 * changes, a damaged file never silently replaced by empty settings, older
 * formats migrated.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAST_GOOD_FILE, SETTINGS_FILE, Store, StoreOpenError } from '../host/store/store.js';
import { noMessageProperties, STORE_VERSION, type StoreData } from '../host/store/schema.js';
import { testSettings } from './settings-fixture.js';

const initial = () => testSettings();

async function dataDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a fresh install writes its settings at once, and they read back', async (t) => {
  const dir = await dataDir(t);
  const store = await Store.open(dir, initial);
  assert.equal(store.recovery, null);
  const onDisk = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData;
  assert.equal(onDisk.accountId, '123456');
  const again = await Store.open(dir, () => ({ ...initial(), accountId: '999999' }));
  assert.equal(again.data.accountId, '123456', 'an existing file wins over the defaults');
});

test('50 concurrent updates: none is lost', async (t) => {
  const dir = await dataDir(t);
  const store = await Store.open(dir, initial);
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      store.update((draft) => {
        draft.nextUserNumber += 1;
        draft.lists.push({ name: `list ${i}`, createdAt: new Date().toISOString(), aggregation: { mode: 'time', unit: 'day' }, messageProperties: noMessageProperties() });
      }),
    ),
  );
  assert.equal(store.data.nextUserNumber, 50);
  const reopened = await Store.open(dir, initial);
  assert.equal(reopened.data.nextUserNumber, 50);
  assert.equal(reopened.data.lists.length, 51);
});

test('an update that breaks the schema or throws changes nothing', async (t) => {
  const dir = await dataDir(t);
  const store = await Store.open(dir, initial);
  await assert.rejects(store.update((draft) => void (draft.accountId = 'not digits')));
  await assert.rejects(
    store.update((draft) => {
      draft.nextUserNumber = 7;
      throw new Error('changed my mind');
    }),
  );
  assert.equal(store.data.accountId, '123456');
  assert.equal(store.data.nextUserNumber, 0);
  assert.equal((JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData).nextUserNumber, 0);
});

for (const [name, damage] of [
  ['corrupt (not JSON)', () => '{"version": 2, "accountId": '],
  ['truncated to nothing', () => ''],
  ['valid JSON of the wrong shape', () => JSON.stringify({ version: 2, users: 'everyone' })],
] as const) {
  test(`a ${name} settings file is kept aside and the last good copy restored`, async (t) => {
    const dir = await dataDir(t);
    const store = await Store.open(dir, initial);
    await store.update((draft) => void (draft.nextUserNumber = 42));
    await writeFile(join(dir, SETTINGS_FILE), damage());
    const recovered = await Store.open(dir, initial);
    assert.equal(recovered.data.nextUserNumber, 42, 'the last good settings, not empty ones');
    assert.ok(recovered.recovery);
    const kept = (await readdir(dir)).find((f) => f.startsWith(`${SETTINGS_FILE}.unreadable-`));
    assert.ok(kept, 'the damaged file is kept');
    assert.equal(await readFile(join(dir, kept), 'utf8'), damage());
    assert.equal(recovered.recovery.keptAs, join(dir, kept));
  });
}

test('with no good copy either, the host refuses to start and says where the files are', async (t) => {
  const dir = await dataDir(t);
  await Store.open(dir, initial);
  await writeFile(join(dir, SETTINGS_FILE), '{ broken');
  await writeFile(join(dir, LAST_GOOD_FILE), '{ also broken');
  await assert.rejects(Store.open(dir, initial), (err: unknown) => {
    assert.ok(err instanceof StoreOpenError);
    assert.match(err.message, /cannot read its settings: it is not valid JSON/);
    assert.match(err.message, new RegExp(`moved to ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/settings\\.json\\.unreadable-`));
    assert.match(err.message, /will not start with empty settings/);
    return true;
  });
  assert.equal((await readdir(dir)).includes(SETTINGS_FILE), false, 'no empty settings were written in its place');
});

test('settings from a newer version are refused, not overwritten', async (t) => {
  const dir = await dataDir(t);
  const future = JSON.stringify({ ...initial(), version: 99 });
  await writeFile(join(dir, SETTINGS_FILE), future);
  await assert.rejects(Store.open(dir, initial), /written by a newer Relay Desk \(format 99/);
  assert.equal(await readFile(join(dir, SETTINGS_FILE), 'utf8'), future);
});

test('a version 1 file is migrated: ";"-separated senders become domains and addresses', async (t) => {
  const dir = await dataDir(t);
  const v1 = {
    ...initial(),
    version: 1,
    dnsServers: undefined,
    users: [
      {
        name: 's123456_0',
        list: 'SMTP+',
        active: true,
        priority: 3,
        note: '',
        senders: 'Company.com; info@partner.example ;marketing.company.com',
        rateLimitPerHour: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  };
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(v1));
  const store = await Store.open(dir, initial);
  assert.equal(store.data.version, STORE_VERSION);
  const user = store.users.get('s123456_0');
  assert.deepEqual(user?.domains, ['company.com', 'marketing.company.com']);
  assert.deepEqual(user.addresses, ['info@partner.example']);
  assert.deepEqual(user.trustedClients, []);
  assert.deepEqual(store.data.dnsServers, []);
  assert.equal((JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData).version, STORE_VERSION, 'written back migrated');
});

test('a version 3 file is migrated: the limits per client address get their defaults, the admin\'s other limits stay', async (t) => {
  const dir = await dataDir(t);
  const settings = initial();
  const v3 = {
    ...settings,
    version: 3,
    server: { ...settings.server, limits: { maxMessageBytes: 10 * 1024 * 1024, maxRecipients: 20, maxConnections: 30 } },
  };
  // A version 3 installation: its users file, and settings of that version.
  await Store.open(dir, initial);
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(v3));
  const store = await Store.open(dir, initial);
  const expected = { maxMessageBytes: 10 * 1024 * 1024, maxRecipients: 20, maxConnections: 30, maxConnectionsPerClient: 50, maxConnectionRatePerClient: 3000 };
  assert.deepEqual(store.data.server.limits, expected);
  const onDisk = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData;
  assert.equal(onDisk.version, STORE_VERSION);
  assert.deepEqual(onDisk.server.limits, expected, 'written back migrated');
});

test('a version 4 file is migrated: every list and the default for new ones get message properties with nothing written, switched off', async (t) => {
  const dir = await dataDir(t);
  // What version 4 wrote: no message properties anywhere.
  const v4 = JSON.parse(JSON.stringify({ ...initial(), version: 4 }), (key, value: unknown) =>
    key === 'messageProperties' || key === 'messagePropertiesDefault' ? undefined : value,
  ) as { lists: unknown[] };
  v4.lists.push({ name: 'Invoices', createdAt: '2026-02-01T00:00:00.000Z', aggregation: { mode: 'subject', unit: 'day' } });
  await Store.open(dir, initial);
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(v4));
  const store = await Store.open(dir, initial);
  assert.equal(store.recovery, null);
  assert.deepEqual(
    store.data.lists.map((l) => [l.name, l.aggregation.mode, l.messageProperties]),
    [
      ['SMTP+', 'time', noMessageProperties()],
      ['Invoices', 'subject', noMessageProperties()],
    ],
  );
  assert.deepEqual(store.data.messagePropertiesDefault, noMessageProperties());
  assert.equal((JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData).version, STORE_VERSION, 'written back migrated');
});

test('a version 5 file is migrated: the alert center starts with every rule on at its default threshold and no channel', async (t) => {
  const dir = await dataDir(t);
  const v5: Partial<StoreData> = { ...initial(), version: 5 as typeof STORE_VERSION };
  delete v5.alerts;
  await Store.open(dir, initial);
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(v5));
  const store = await Store.open(dir, initial);
  assert.equal(store.recovery, null);
  assert.deepEqual(
    store.data.alerts.rules.map((r) => [r.kind, r.list, r.on, r.threshold, r.queueThreshold]),
    [
      ['user-blocked', null, true, 5, null],
      ['sender-refused', null, true, null, null],
      ['message-bounced', null, true, null, null],
      ['delivery-problem', null, true, 30, 100],
      ['certificate-expiring', null, true, 14, null],
      ['relay-down', null, true, null, null],
    ],
  );
  assert.deepEqual(store.data.alerts.channels, []);
  const onDisk = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as StoreData;
  assert.equal(onDisk.version, STORE_VERSION);
  assert.deepEqual(onDisk.alerts, store.data.alerts, 'written back migrated');
});

test('settings written before the address codes are mailed from was kept read with none chosen', async (t) => {
  const dir = await dataDir(t);
  await Store.open(dir, initial);
  const { senders, ...rest } = testSettings();
  const before = { ...rest, senders: { domains: senders.domains, addresses: senders.addresses } };
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(before));
  const store = await Store.open(dir, initial);
  assert.equal(store.recovery, null, 'not treated as damaged');
  assert.equal(store.data.senders.codeFrom, null);
  await store.update((draft) => void (draft.senders.codeFrom = 'it@company.example'));
  assert.equal((await Store.open(dir, initial)).data.senders.codeFrom, 'it@company.example');
});

test('a smarthost saved before OAuth sign-in existed reads as a password login (oauth null), and an OAuth one reads back', async (t) => {
  const dir = await dataDir(t);
  await Store.open(dir, initial);
  const before = { ...testSettings(), upstream: { mode: 'smarthost', host: 'smtp.office365.com', port: 587, security: 'starttls', user: 'relay@company.example', rejectUnauthorized: true } };
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(before));
  const store = await Store.open(dir, initial);
  assert.equal(store.recovery, null, 'not treated as damaged');
  assert.deepEqual(store.data.upstream, { ...before.upstream, oauth: null });
  const oauth = {
    preset: 'microsoft365' as const,
    flow: 'device' as const,
    tenant: 'common',
    clientId: '00000000-0000-0000-0000-000000000001',
    endpoints: { authorization: null, token: 'https://login.microsoftonline.com/common/oauth2/v2.0/token', device: null },
    scope: 'https://outlook.office.com/SMTP.Send offline_access',
    account: null,
  };
  await store.update((draft) => void (draft.upstream = { ...before.upstream, mode: 'smarthost', security: 'starttls', oauth }));
  const again = await Store.open(dir, initial);
  assert.deepEqual(again.data.upstream.mode === 'smarthost' ? again.data.upstream.oauth : null, oauth);
});
