/**
 * A list's history across renames (../host/history/list-names.ts): after a
 * rename, the list's messages, statistics, group filter, CSV and announced
 * rows carry its new name, and so does mail the relay accepted under the old
 * name before it heard of the rename; a new list given the old name starts
 * empty; a list renamed to a deleted list's name shows that history too.
 * Kept across a reopen.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { History } from '../host/history/history.js';
import { accepted, openHistory } from './history-fixture.js';

const HOUR = 3_600_000;
const NOW = Date.now();

function listed(history: History, list: string): [string, string][] {
  return history.list({ filter: { list }, sort: 'acceptedAt-asc', page: 0, pageSize: 100 }).rows.map((m) => [m.id, m.list]);
}

function accepted24h(history: History, list: string): number {
  const stats = history.stats({ list, aggregation: { mode: 'time', unit: 'day' }, since: NOW - 24 * HOUR, until: NOW + HOUR, users: [] });
  return stats.series.reduce((n, day) => n + day.accepted, 0);
}

test('a renamed list keeps its messages and statistics, and mail accepted under its old name follows it', async (t) => {
  const lists = new Set(['Sales', 'Ops']);
  const { history, announced, dataDir } = await openHistory(t, undefined, { isList: (name) => [...lists].some((l) => l.toLowerCase() === name.toLowerCase()) });
  history.record(accepted('S1', { list: 'Sales' }), NOW - 3 * HOUR);
  history.record(accepted('S2', { list: 'sales' }), NOW - 2 * HOUR);
  history.record(accepted('O1', { list: 'Ops' }), NOW - 2 * HOUR);
  await history.flushed();

  lists.delete('Sales');
  lists.add('Revenue');
  history.renameList('Sales', 'Revenue');
  // Accepted by a relay that had not heard of the rename yet.
  history.record(accepted('S3', { list: 'Sales' }), NOW - HOUR);
  await history.flushed();
  assert.deepEqual(listed(history, 'revenue'), [
    ['S1', 'Revenue'],
    ['S2', 'Revenue'],
    ['S3', 'Revenue'],
  ]);
  assert.equal(announced.at(-1)?.list, 'Revenue');
  assert.deepEqual(listed(history, 'Sales'), []);
  assert.equal(accepted24h(history, 'Revenue'), 3);
  assert.equal(accepted24h(history, 'Sales'), 0);
  const group = history.list({ filter: { group: { list: 'Revenue', by: 'user', key: 'g:s1_0' } }, sort: 'acceptedAt-asc', page: 0, pageSize: 100 });
  assert.equal(group.total, 3);
  assert.match(history.exportCsv({ list: 'Revenue' }, null).csv, /^S2,[^,]*,queued,Revenue,/m);

  lists.add('Sales');
  history.record(accepted('N1', { list: 'Sales' }), NOW);
  await history.flushed();
  assert.deepEqual(listed(history, 'Sales'), [['N1', 'Sales']], 'a new list with the old name starts empty');
  assert.equal(accepted24h(history, 'Revenue'), 3);

  // Ops is deleted (its history stays under its name); Revenue takes the name Ops.
  lists.delete('Ops');
  lists.delete('Revenue');
  lists.add('Ops');
  history.renameList('Revenue', 'Ops');
  assert.deepEqual(
    listed(history, 'Ops').map(([id]) => id),
    ['S1', 'S2', 'O1', 'S3'],
  );
  assert.equal(accepted24h(history, 'Ops'), 4);

  history.close();
  const { history: reopened } = await openHistory(t, dataDir, { isList: (name) => lists.has(name) });
  assert.deepEqual(
    listed(reopened, 'Ops').map(([id, list]) => `${id} ${list}`),
    ['S1 Ops', 'S2 Ops', 'O1 Ops', 'S3 Ops'],
  );
  assert.deepEqual(listed(reopened, 'Sales'), [['N1', 'Sales']]);
});

test('a host stopped between saving a rename in the settings and making it in the history finishes it at its next start; one the settings never saved is forgotten', async (t) => {
  const { history, dataDir } = await openHistory(t);
  history.record(accepted('S1', { list: 'Sales' }), NOW - 2 * HOUR);
  history.record(accepted('O1', { list: 'Ops' }), NOW - HOUR);
  await history.flushed();
  // The service notes each rename before saving the settings; the host stops before either is done in the history.
  history.intendListRename('sales', 'Revenue');
  history.intendListRename('Ops', 'Support');
  history.close();

  // The settings were saved with "Revenue" (the stop came after that) but never with "Support".
  const settings = new Set(['Revenue', 'Ops']);
  const { history: reopened } = await openHistory(t, dataDir, { isList: (name) => settings.has(name), hasListSpelled: (name) => settings.has(name) });
  assert.deepEqual(listed(reopened, 'Revenue'), [['S1', 'Revenue']]);
  assert.equal(accepted24h(reopened, 'Revenue'), 1);
  assert.deepEqual(listed(reopened, 'Ops'), [['O1', 'Ops']]);
  reopened.close();

  // The forgotten note does not come back: a later start with a list spelled "Support" (made new) leaves Ops alone.
  settings.add('Support');
  const { history: again } = await openHistory(t, dataDir, { isList: (name) => settings.has(name), hasListSpelled: (name) => settings.has(name) });
  assert.deepEqual(listed(again, 'Ops'), [['O1', 'Ops']]);
  assert.deepEqual(listed(again, 'Support'), []);
});
