/**
 * The SMTP users file against real files: appended, never rewritten for a
 * change; nothing lost under concurrent changes; a crash mid-append, a
 * damaged file or a missing one handled like settings.json (kept aside, last
 * good copy restored, or a refusal naming the files); version 2 settings
 * migrated.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SETTINGS_FILE, Store, StoreOpenError } from '../host/store/store.js';
import { STORE_VERSION, type StoredUser } from '../host/store/schema.js';
import { USERS_FILE, USERS_LAST_GOOD_FILE } from '../host/store/users-file.js';
import { testSettings } from './settings-fixture.js';

const initial = () => testSettings();
const AT = '2026-11-26T00:00:00.000Z';

function storedUser(n: number, over: Partial<StoredUser> = {}): StoredUser {
  return {
    name: `s123456_${n}`,
    list: 'SMTP+',
    active: true,
    priority: 3,
    note: '',
    domains: ['company.example'],
    addresses: [],
    trustedClients: [],
    rateLimitPerHour: null,
    createdAt: AT,
    updatedAt: AT,
    ...over,
  };
}

async function dataDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-desk-users-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A store holding users 0, 1 and 2, user 1 then changed and user 2 deleted. */
async function storeWithHistory(dir: string): Promise<Store> {
  const store = await Store.open(dir, initial);
  await store.update((_, users) => [0, 1, 2].forEach((n) => users.put(storedUser(n))));
  await store.update((_, users) => users.put(storedUser(1, { note: 'changed' })));
  await store.update((_, users) => users.delete('s123456_2'));
  return store;
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean);
const kept = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith(`${USERS_FILE}.unreadable-`));

test('user changes are appended to users.jsonl and its copy; settings.json holds no users and is not rewritten', async (t) => {
  const dir = await dataDir(t);
  const store = await storeWithHistory(dir);
  const settingsBefore = await readFile(join(dir, SETTINGS_FILE), 'utf8');
  await store.update((_, users) => users.put(storedUser(0, { active: false })));
  assert.equal(await readFile(join(dir, SETTINGS_FILE), 'utf8'), settingsBefore);
  assert.equal('users' in JSON.parse(settingsBefore), false);
  const written = await lines(join(dir, USERS_FILE));
  assert.equal(written.length, 1 + 3 + 1 + 1 + 1, 'header, three puts, a change, a delete, a change');
  assert.deepEqual(JSON.parse(written.at(-2) ?? ''), { delete: 's123456_2' });
  assert.equal(await readFile(join(dir, USERS_LAST_GOOD_FILE), 'utf8'), await readFile(join(dir, USERS_FILE), 'utf8'));

  const reopened = await Store.open(dir, initial);
  assert.equal(reopened.recovery, null);
  assert.deepEqual([...reopened.users.keys()], ['s123456_0', 's123456_1'], 'in creation order');
  assert.equal(reopened.users.get('s123456_1')?.note, 'changed');
  assert.equal(reopened.users.get('s123456_0')?.active, false);
});

test('50 concurrent user changes: none is lost', async (t) => {
  const dir = await dataDir(t);
  const store = await Store.open(dir, initial);
  await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      store.update((draft, users) => {
        draft.nextUserNumber += 1;
        users.put(storedUser(i % 5, { note: `${users.get(`s123456_${i % 5}`)?.note ?? ''}${i},` }));
      }),
    ),
  );
  const reopened = await Store.open(dir, initial);
  assert.equal(reopened.data.nextUserNumber, 50);
  const notes = [...reopened.users.values()].flatMap((u) => u.note.split(',').filter(Boolean).map(Number));
  assert.deepEqual(notes.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
});

test('a change that breaks the user schema or throws stores nothing', async (t) => {
  const dir = await dataDir(t);
  const store = await storeWithHistory(dir);
  const before = await readFile(join(dir, USERS_FILE), 'utf8');
  await assert.rejects(store.update((_, users) => users.put(storedUser(0, { priority: 9 }))));
  await assert.rejects(
    store.update((_, users) => {
      users.delete('s123456_0');
      throw new Error('changed my mind');
    }),
  );
  assert.equal(await readFile(join(dir, USERS_FILE), 'utf8'), before);
  assert.equal(store.users.get('s123456_0')?.priority, 3);
});

test('a last line cut short by a crash is dropped and kept aside; every earlier record stays, and appending works again', async (t) => {
  const dir = await dataDir(t);
  await storeWithHistory(dir);
  const cut = JSON.stringify({ put: storedUser(7) }).slice(0, 40);
  await appendFile(join(dir, USERS_FILE), cut);
  const recovered = await Store.open(dir, initial);
  assert.deepEqual([...recovered.users.keys()], ['s123456_0', 's123456_1']);
  assert.equal(recovered.users.get('s123456_1')?.note, 'changed');
  assert.match(recovered.recovery?.reason ?? '', /users\.jsonl ended in a partly written record .* every earlier record is kept/);
  const [aside] = await kept(dir);
  assert.ok(aside && (await readFile(join(dir, aside), 'utf8')).endsWith(cut));
  await recovered.update((_, users) => users.put(storedUser(3)));
  assert.deepEqual([...(await Store.open(dir, initial)).users.keys()], ['s123456_0', 's123456_1', 's123456_3']);
});

for (const [name, damage] of [
  ['a corrupt line (not JSON) in the middle', (text: string) => text.replace('"delete"', '"del')],
  ['a record of the wrong shape', (text: string) => text.replace('"priority":3', '"priority":"high"')],
  ['truncated to nothing', () => ''],
] as const) {
  test(`users.jsonl with ${name} is kept aside and its last good copy restored`, async (t) => {
    const dir = await dataDir(t);
    await storeWithHistory(dir);
    const damaged = damage(await readFile(join(dir, USERS_FILE), 'utf8'));
    await writeFile(join(dir, USERS_FILE), damaged);
    const recovered = await Store.open(dir, initial);
    assert.deepEqual([...recovered.users.keys()], ['s123456_0', 's123456_1'], 'the last good users, not none');
    assert.equal(recovered.users.get('s123456_1')?.note, 'changed');
    assert.match(recovered.recovery?.reason ?? '', /users\.jsonl could not be read: /);
    const [aside] = await kept(dir);
    assert.ok(aside, 'the damaged file is kept');
    assert.equal(await readFile(join(dir, aside), 'utf8'), damaged);
    assert.equal(recovered.recovery?.keptAs, join(dir, aside));
  });
}

test('a missing users.jsonl is restored from its copy; with the copy damaged too, the host refuses and names the files', async (t) => {
  const dir = await dataDir(t);
  await storeWithHistory(dir);
  await unlink(join(dir, USERS_FILE));
  assert.deepEqual([...(await Store.open(dir, initial)).users.keys()], ['s123456_0', 's123456_1']);

  await writeFile(join(dir, USERS_FILE), '{ broken\n');
  await writeFile(join(dir, USERS_LAST_GOOD_FILE), '');
  await assert.rejects(Store.open(dir, initial), (err: unknown) => {
    assert.ok(err instanceof StoreOpenError);
    assert.match(err.message, /cannot read its SMTP users: .*users\.jsonl: its first line is not the users file header; the file was moved to .*users\.jsonl\.unreadable-/);
    assert.match(err.message, /users\.last-good\.jsonl cannot be used either \(it is empty\)/);
    assert.match(err.message, /will not start without its users/);
    return true;
  });
  assert.equal((await readdir(dir)).includes(USERS_FILE), false, 'no empty users file was written in its place');
});

test('a grown users file is written whole again at start, one line per user', async (t) => {
  const dir = await dataDir(t);
  await storeWithHistory(dir);
  const changes = Array.from({ length: 1100 }, (_, i) => `${JSON.stringify({ put: storedUser(0, { note: `n${i}` }) })}\n`);
  await appendFile(join(dir, USERS_FILE), changes.join(''));
  await appendFile(join(dir, USERS_LAST_GOOD_FILE), changes.join(''));
  const store = await Store.open(dir, initial);
  assert.equal(store.users.get('s123456_0')?.note, 'n1099');
  assert.equal((await lines(join(dir, USERS_FILE))).length, 3, 'header and two users');
  assert.equal(await readFile(join(dir, USERS_LAST_GOOD_FILE), 'utf8'), await readFile(join(dir, USERS_FILE), 'utf8'));
});

test('version 2 settings: the users move to users.jsonl and settings.json is written without them', async (t) => {
  const dir = await dataDir(t);
  const v2 = { ...initial(), version: 2, users: [storedUser(0), storedUser(1, { active: false })] };
  await writeFile(join(dir, SETTINGS_FILE), JSON.stringify(v2));
  // What a crash after writing the users file but before settings.json leaves: the old file's users win again.
  await writeFile(join(dir, USERS_FILE), `${JSON.stringify({ format: 'relay-desk users', version: 1 })}\n`);
  const store = await Store.open(dir, initial);
  assert.deepEqual([...store.users.values()], v2.users);
  const settings = JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
  assert.equal(settings.version, STORE_VERSION);
  assert.equal('users' in settings, false);
  assert.equal('usersMovedOut' in settings, false);
  assert.deepEqual([...(await Store.open(dir, initial)).users.values()], v2.users);
});
