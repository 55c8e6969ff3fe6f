import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControlMessageSchema, isAllowedPort, MAX_RATE_HISTORY } from '../protocol.js';

test('only the seed\'s ports plus 465 and 587 are allowed', () => {
  for (const port of [25, 80, 465, 587, 1025, 2525, 5000]) assert.equal(isAllowedPort(port), true, String(port));
  for (const port of [0, 24, 81, 443, 1024, 5001, 8025, 65535]) assert.equal(isAllowedPort(port), false, String(port));
});

test('a configuration with a port outside the allowed set is refused with the reason', () => {
  const result = ControlMessageSchema.safeParse({
    type: 'configure',
    seq: 1,
    config: {
      hostname: 'relay.test',
      spoolDir: '/tmp/spool',
      maxMessageBytes: 1000,
      listeners: [{ port: 8080, address: '127.0.0.1', encryption: 'none' }],
      upstream: null,
    },
  });
  assert.equal(result.success, false);
  assert.match(result.error.issues[0]?.message ?? '', /25, 80, 465, 587 or between 1025 and 5000/);
});

test('unknown control messages are refused', () => {
  assert.equal(ControlMessageSchema.safeParse({ type: 'explode' }).success, false);
  assert.equal(ControlMessageSchema.safeParse(null).success, false);
});

test('a users change carries whole users and names to remove, with its seq', () => {
  const upsert = [{ name: 's1_0', active: false, verifier: 'scrypt$v', priority: 3, list: 'SMTP+', senders: [], trustedClients: [], rateLimitPerHour: null }];
  assert.equal(ControlMessageSchema.safeParse({ type: 'users', seq: 1, upsert, remove: ['s1_1'] }).success, true);
  assert.equal(ControlMessageSchema.safeParse({ type: 'users', seq: 2, upsert: [{ name: 's1_0', active: false }], remove: [] }).success, false);
  assert.equal(ControlMessageSchema.safeParse({ type: 'users', upsert: [], remove: [] }).success, false, 'no seq, no acknowledgement');
});

test('a rate history names valid users and carries at most the largest hourly limit of times each', () => {
  const ok = { type: 'rate-history', users: [{ user: 's1_0', acceptedAt: [1_790_000_000_000, 1_790_000_001_000] }] };
  assert.equal(ControlMessageSchema.safeParse(ok).success, true);
  assert.equal(ControlMessageSchema.safeParse({ type: 'rate-history', users: [{ user: 'no spaces', acceptedAt: [] }] }).success, false);
  assert.equal(ControlMessageSchema.safeParse({ type: 'rate-history', users: [{ user: 's1_0', acceptedAt: ['yesterday'] }] }).success, false);
  const tooMany = { type: 'rate-history', users: [{ user: 's1_0', acceptedAt: new Array(MAX_RATE_HISTORY + 1).fill(1) }] };
  assert.equal(ControlMessageSchema.safeParse(tooMany).success, false);
});
