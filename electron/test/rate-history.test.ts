import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rateHistory, type Acceptance } from '../host/rate-history.js';
import type { StoredUser } from '../host/store/schema.js';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const MINUTE = 60_000;

function user(name: string, rateLimitPerHour: number | null): StoredUser {
  return { name, rateLimitPerHour } as StoredUser;
}

function message(userName: string, minutesAgo: number): Acceptance {
  return { user: userName, acceptedAt: NOW - minutesAgo * MINUTE };
}

test('each rate-limited user gets the last hour of acceptances, oldest first; unlimited users and older mail are left out', () => {
  const users = [user('scanner', 10), user('crm', null), user('printer', 5)];
  const messages = [message('scanner', 5), message('scanner', 59), message('scanner', 61), message('crm', 1), message('printer', 30), message('gone', 2)];
  assert.deepEqual(rateHistory(users, messages, NOW), [
    { user: 'scanner', acceptedAt: [NOW - 59 * MINUTE, NOW - 5 * MINUTE] },
    { user: 'printer', acceptedAt: [NOW - 30 * MINUTE] },
  ]);
});

test('only the newest `limit` acceptances travel: older ones cannot change the count', () => {
  const messages = [1, 2, 3, 4, 5].map((m) => message('scanner', m));
  assert.deepEqual(rateHistory([user('scanner', 2)], messages, NOW), [{ user: 'scanner', acceptedAt: [NOW - 2 * MINUTE, NOW - MINUTE] }]);
});

test('no limited users, no history', () => {
  assert.deepEqual(rateHistory([user('crm', null)], [message('crm', 1)], NOW), []);
});
