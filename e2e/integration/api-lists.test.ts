/**
 * lists.* through the real HTTP transport: names that differ only in case
 * are one list, a list is renamed with its users, and only an empty list
 * that is not the last one is deleted, each refusal saying what to do.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, ok } from '../fixtures/api.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('list names that differ only in case are one list: not made twice, and users named with it join it', async (t) => {
  const relay = await startRelayDesk(t);
  const refused = apiError(await relay.call('lists.create', { name: 'smtp+' }), 409);
  assert.deepEqual(
    [refused.code, refused.field, refused.message],
    ['already_exists', 'name', 'A list named "SMTP+" exists already: choose it, or pick another name.'],
  );
  await ok(relay, 'lists.create', { name: 'Scanners' });
  assert.equal(apiError(await relay.call('lists.create', { name: 'SCANNERS' })).message, 'A list named "Scanners" exists already: choose it, or pick another name.');

  const { user } = await ok(relay, 'users.create', { list: 'smtp+' });
  assert.equal(user.list, 'SMTP+');
  assert.equal((await ok(relay, 'users.update', { name: user.name, list: 'scanners' })).list, 'Scanners');
  assert.deepEqual(
    (await ok(relay, 'lists.list', {})).lists.map((l) => [l.name, l.users]),
    [['SMTP+', 0], ['Scanners', 1]],
  );
  assert.deepEqual((await ok(relay, 'users.list', { list: 'SCANNERS' })).users.map((u) => u.name), [user.name]);
});

test('lists.rename moves the list\'s users with it; a name in use or an unknown list is refused', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'lists.create', { name: 'Scanners' });
  const first = await ok(relay, 'users.create', { list: 'Scanners', note: 'Front desk' });
  const second = await ok(relay, 'users.create', { list: 'Scanners', note: 'Back office' });
  const other = await ok(relay, 'users.create', {});

  const renamed = await ok(relay, 'lists.rename', { name: 'scanners', newName: 'Devices' });
  assert.equal(renamed.name, 'Devices');
  assert.equal(renamed.users, 2);
  for (const { user } of [first, second]) {
    const now = await ok(relay, 'users.get', { name: user.name });
    assert.equal(now.list, 'Devices');
    assert.ok(now.updatedAt > user.updatedAt, 'a moved user shows when it changed');
  }
  assert.equal((await ok(relay, 'users.get', { name: other.user.name })).list, 'SMTP+');
  assert.deepEqual((await ok(relay, 'lists.list', {})).lists.map((l) => [l.name, l.users]), [['SMTP+', 1], ['Devices', 2]]);

  const taken = apiError(await relay.call('lists.rename', { name: 'Devices', newName: 'smtp+' }), 409);
  assert.deepEqual([taken.code, taken.field, taken.message], ['already_exists', 'newName', 'A list named "SMTP+" exists already: choose it, or pick another name.']);
  // Its own name in another case is no clash.
  assert.equal((await ok(relay, 'lists.rename', { name: 'Devices', newName: 'DEVICES' })).name, 'DEVICES');
  const unknown = apiError(await relay.call('lists.rename', { name: 'Printers', newName: 'Copiers' }), 404);
  assert.deepEqual([unknown.code, unknown.message], ['not_found', 'There is no list named "Printers".']);
  assert.equal(apiError(await relay.call('lists.rename', { name: 'DEVICES', newName: '  ' }), 400).field, 'newName');
});

test('lists.delete: only once its users are moved or deleted, never the last list; new users then go to the first list', async (t) => {
  const relay = await startRelayDesk(t);
  await ok(relay, 'lists.create', { name: 'Scanners' });
  const a = await ok(relay, 'users.create', { list: 'Scanners' });
  const b = await ok(relay, 'users.create', { list: 'Scanners' });

  const busy = apiError(await relay.call('lists.delete', { name: 'Scanners' }), 409);
  assert.deepEqual(
    [busy.code, busy.field, busy.message],
    ['list_not_empty', 'name', 'The list "Scanners" cannot be deleted while users are in it: move or delete its 2 users first (a user\'s list is in its settings).'],
  );
  await ok(relay, 'users.update', { name: a.user.name, list: 'SMTP+' });
  assert.match(apiError(await relay.call('lists.delete', { name: 'Scanners' })).message, /move or delete its 1 user first/);
  await ok(relay, 'users.delete', { name: b.user.name });
  assert.deepEqual(await ok(relay, 'lists.delete', { name: 'SCANNERS' }), { deleted: 'Scanners' });
  assert.deepEqual((await ok(relay, 'lists.list', {})).lists.map((l) => l.name), ['SMTP+']);
  assert.equal(apiError(await relay.call('lists.delete', { name: 'Scanners' }), 404).code, 'not_found');

  // "SMTP+" renamed and emptied: the last list stays, and a user made without a list goes to it.
  await ok(relay, 'users.delete', { name: a.user.name });
  await ok(relay, 'lists.rename', { name: 'SMTP+', newName: 'Office' });
  const last = apiError(await relay.call('lists.delete', { name: 'Office' }), 409);
  assert.deepEqual(
    [last.code, last.message],
    ['last_list', '"Office" is the only list, and new users need one: rename it instead, or make another list first.'],
  );
  assert.equal((await ok(relay, 'users.create', {})).user.list, 'Office');
  assert.deepEqual((await ok(relay, 'lists.list', {})).lists.map((l) => l.name), ['Office'], 'no "SMTP+" made again behind the admin\'s back');
});
