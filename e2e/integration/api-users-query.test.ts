/**
 * users.list as the users table uses it: the page, sorted and filtered on the
 * host, so the admin UI never loads every user.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError as error, ok } from '../fixtures/api.js';
import { startRelayDesk } from '../fixtures/relay-desk.js';

test('users.list sorts (numerically by name), filters by status and pages over the sorted users', async (t) => {
  const relay = await startRelayDesk(t);
  const names: string[] = [];
  for (let i = 0; i < 11; i++) {
    const created = await ok(relay, 'users.create', { note: `device ${String(i)}`, priority: (i % 5) + 1, active: i % 3 !== 0 });
    names.push(created.user.name);
  }
  // s<id>_10 comes after s<id>_9, not after s<id>_1.
  const byNameDesc = await ok(relay, 'users.list', { sort: { field: 'name', direction: 'desc' }, limit: 3 });
  assert.deepEqual(
    byNameDesc.users.map((u) => u.name),
    names.slice(-3).reverse(),
  );
  assert.equal(byNameDesc.total, 11);

  const byPriority = await ok(relay, 'users.list', { sort: { field: 'priority', direction: 'asc' } });
  const priorities = byPriority.users.map((u) => u.priority);
  assert.deepEqual(priorities, [...priorities].sort((a, b) => a - b));
  // Equal priorities keep creation order.
  assert.deepEqual(
    byPriority.users.filter((u) => u.priority === 1).map((u) => u.name),
    [names[0], names[5], names[10]],
  );

  const inactive = await ok(relay, 'users.list', { active: false, sort: { field: 'note', direction: 'asc' }, offset: 1, limit: 2 });
  assert.equal(inactive.total, 4);
  assert.deepEqual(
    inactive.users.map((u) => u.note),
    ['device 3', 'device 6'],
  );

  assert.equal(error(await relay.call('users.list', { sort: { field: 'password', direction: 'asc' } })).code, 'invalid_input');
  assert.equal(error(await relay.call('users.list', { sort: { field: 'name', direction: 'up' } })).code, 'invalid_input');
});
