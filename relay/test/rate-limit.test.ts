import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../session/rate-limit.js';

const HOUR = 3_600_000;
const T0 = 1_790_000_000_000;

test('a user may send perHour messages in an hour; the next is refused', () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.take('scanner', 3, T0), true);
  assert.equal(limiter.take('scanner', 3, T0 + 1), true);
  assert.equal(limiter.take('scanner', 3, T0 + 2), true);
  assert.equal(limiter.take('scanner', 3, T0 + 3), false);
  assert.equal(limiter.take('scanner', 3, T0 + HOUR - 1), false);
});

test('each user has a count of their own', () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.take('scanner', 1, T0), true);
  assert.equal(limiter.take('scanner', 1, T0), false);
  assert.equal(limiter.take('printer', 1, T0), true);
  assert.equal(limiter.take('crm', 2, T0), true);
});

test('null means no limit', () => {
  const limiter = new RateLimiter();
  for (let i = 0; i < 10_000; i++) assert.equal(limiter.take('bulk', null, T0), true);
  assert.equal(limiter.take('bulk', 1, T0), true, 'unlimited messages were not counted');
});

test('the hour slides: a message counts for exactly one hour after it was accepted', () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.take('scanner', 2, T0), true);
  assert.equal(limiter.take('scanner', 2, T0 + 30 * 60_000), true);
  assert.equal(limiter.take('scanner', 2, T0 + HOUR - 1), false);
  assert.equal(limiter.take('scanner', 2, T0 + HOUR), true, 'the first message has left the hour');
  assert.equal(limiter.take('scanner', 2, T0 + HOUR + 1), false);
  assert.equal(limiter.take('scanner', 2, T0 + 90 * 60_000), true, 'the second has left too');
});

test('a refused message is not counted', () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.take('scanner', 1, T0), true);
  for (let i = 1; i <= 5; i++) assert.equal(limiter.take('scanner', 1, T0 + i * 60_000), false);
  assert.equal(limiter.take('scanner', 1, T0 + HOUR), true);
});

test('a lowered limit applies at once to the messages already counted', () => {
  const limiter = new RateLimiter();
  for (let i = 0; i < 5; i++) limiter.take('scanner', 10, T0 + i);
  assert.equal(limiter.take('scanner', 5, T0 + 10), false);
  assert.equal(limiter.take('scanner', 6, T0 + 10), true);
});

test('a seeded history counts like messages the limiter saw itself; what left the hour or lies ahead does not', () => {
  const limiter = new RateLimiter();
  const now = T0 + HOUR;
  limiter.seed('scanner', [T0 - 1, T0, now + 60_000], now);
  assert.equal(limiter.take('scanner', 2, now), true, 'nothing seeded counts: one before the hour, one at its edge, one in the future');
  limiter.seed('printer', [T0 + 10, T0 + 20], now);
  assert.equal(limiter.take('printer', 2, now), false);
  assert.equal(limiter.take('printer', 2, T0 + HOUR + 10), true, 'the older seeded one has left the hour');
});

test('a seed merges with what was counted since, oldest first', () => {
  const limiter = new RateLimiter();
  assert.equal(limiter.take('scanner', 3, T0 + 50), true);
  limiter.seed('scanner', [T0 + 30, T0 + 10], T0 + 60);
  assert.equal(limiter.take('scanner', 3, T0 + 60), false);
  assert.equal(limiter.take('scanner', 3, T0 + HOUR + 10), true, 'T0 + 10 left first');
  assert.equal(limiter.take('scanner', 3, T0 + HOUR + 11), false);
  assert.equal(limiter.take('scanner', 3, T0 + HOUR + 30), true, 'then T0 + 30');
});

test('a large limit counts exactly, across the edge of the hour', () => {
  const limiter = new RateLimiter();
  for (let i = 0; i < 100_000; i++) assert.ok(limiter.take('bulk', 100_000, T0 + i));
  assert.equal(limiter.take('bulk', 100_000, T0 + 100_000), false);
  // T0 .. T0 + 50,000 have left the hour together (an hour after T0 + 50,000 included); exactly that many fit again.
  for (let i = 0; i <= 50_000; i++) assert.ok(limiter.take('bulk', 100_000, T0 + HOUR + 50_000));
  assert.equal(limiter.take('bulk', 100_000, T0 + HOUR + 50_000), false);
});
