/**
 * The per-address connection table on its own, with the clock passed in:
 * caps at once and per minute, one count for every spelling of an address,
 * fair slots when the relay is full, and a bounded memory under a scan.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientSlots, MAX_IDLE_CLIENTS, type Admission, type SlotLimits } from '../session/client-slots.js';

const T0 = 1_790_000_000_000;
const MINUTE = 60_000;

/** What holds a slot in these tests: a name, and whether it could be closed. */
interface Session {
  name: string;
  idle: boolean;
}

function table(limits: Partial<SlotLimits> = {}): ClientSlots<Session> {
  const all = { maxConnections: 100, maxConnectionsPerClient: 100, maxConnectionRatePerClient: 1000, ...limits };
  return new ClientSlots<Session>(() => all, (s) => s.idle);
}

function open(slots: ClientSlots<Session>, address: string, name: string, now = T0, idle = true): Admission<Session> {
  const admission = slots.admit(address, now);
  if (admission.ok) admission.slot.occupant = { name, idle };
  return admission;
}

const refusal = (a: Admission<Session>) => (a.ok ? 'admitted' : a.reason);

test('an address may hold maxConnectionsPerClient slots at once; a released one can be taken again', () => {
  const slots = table({ maxConnectionsPerClient: 3 });
  const held = [1, 2, 3].map((i) => open(slots, '192.0.2.7', `s${i}`));
  assert.deepEqual(held.map(refusal), ['admitted', 'admitted', 'admitted']);
  assert.equal(refusal(open(slots, '192.0.2.7', 's4')), 'client');
  assert.equal(refusal(open(slots, '192.0.2.8', 'other')), 'admitted', 'another address has its own count');
  const first = held[0];
  assert.ok(first?.ok);
  slots.release(first.slot);
  slots.release(first.slot);
  assert.equal(slots.size, 3, 'releasing twice gives back one slot');
  assert.equal(refusal(open(slots, '192.0.2.7', 's5')), 'admitted');
});

test('every spelling of an address counts as one: IPv4-mapped IPv6 is the IPv4 address, IPv6 in any case or compression', () => {
  const slots = table({ maxConnectionsPerClient: 2 });
  assert.equal(refusal(open(slots, '::ffff:192.0.2.7', 'a')), 'admitted');
  const plain = open(slots, '192.0.2.7', 'b');
  assert.ok(plain.ok);
  assert.equal(plain.slot.client, '192.0.2.7');
  assert.deepEqual(open(slots, '::FFFF:192.0.2.7', 'c'), { ok: false, client: '192.0.2.7', reason: 'client' });
  assert.equal(refusal(open(slots, '2001:DB8::1', 'd')), 'admitted');
  assert.equal(refusal(open(slots, '2001:db8:0:0:0:0:0:1', 'e')), 'admitted');
  assert.equal(refusal(open(slots, '2001:0db8::0001', 'f')), 'client');
});

test('connection attempts per minute, refused ones included: the limit holds while a client keeps trying, and lifts once it stops', () => {
  const slots = table({ maxConnectionRatePerClient: 5 });
  for (let i = 0; i < 5; i++) {
    const a = open(slots, '192.0.2.7', `s${i}`, T0 + i);
    assert.ok(a.ok);
    slots.release(a.slot);
  }
  assert.equal(refusal(open(slots, '192.0.2.7', 'x', T0 + 10)), 'rate');
  assert.equal(refusal(open(slots, '192.0.2.8', 'y', T0 + 10)), 'admitted', 'another address is not slowed');
  // Still trying every ten seconds keeps it over the limit: the last minute always holds more than five attempts.
  for (let t = T0 + 10_000; t < T0 + 3 * MINUTE; t += 10_000) assert.equal(refusal(open(slots, '192.0.2.7', 'x', t)), 'rate', `at ${t - T0} ms`);
  // Two quiet minutes later it may connect again.
  assert.equal(refusal(open(slots, '192.0.2.7', 'z', T0 + 5 * MINUTE)), 'admitted');
});

test('fair slots: when the relay is full, a newcomer takes the oldest idle slot of the biggest holder, if it holds none or two fewer', () => {
  const slots = table({ maxConnections: 5 });
  for (const [address, name, at] of [
    ['192.0.2.1', 'a1', 1],
    ['192.0.2.1', 'a2', 2],
    ['192.0.2.1', 'a3', 3],
    ['192.0.2.2', 'b1', 10],
    ['192.0.2.3', 'c1', 11],
  ] as const) {
    open(slots, address, name, T0 + at);
  }
  // B holds one, A three: A's oldest session makes room.
  const fromOne = open(slots, '192.0.2.2', 'b2', T0 + 20);
  assert.ok(fromOne.ok);
  assert.equal(fromOne.evicted?.occupant?.name, 'a1');
  assert.equal(fromOne.evicted.released, true);
  assert.equal(slots.size, 5);
  // C holds one, the most anyone holds is two: taking one would only swap them.
  assert.equal(refusal(open(slots, '192.0.2.3', 'c2', T0 + 30)), 'full');
  // An address holding none always gets in; A and B hold two each, and A's a2 is the oldest.
  const newcomer = open(slots, '192.0.2.4', 'd1', T0 + 40);
  assert.ok(newcomer.ok);
  assert.equal(newcomer.evicted?.occupant?.name, 'a2');
});

test('fair slots never take a session that logged in or carries a message', () => {
  const slots = table({ maxConnections: 3 });
  open(slots, '192.0.2.1', 'busy-a', T0, false);
  open(slots, '192.0.2.1', 'idle-a', T0 + 5);
  open(slots, '192.0.2.2', 'busy-b', T0 + 1, false);
  const first = open(slots, '192.0.2.3', 'c', T0 + 10);
  assert.ok(first.ok);
  assert.equal(first.evicted?.occupant?.name, 'idle-a', 'the older session of A is busy: its idle one goes');
  first.slot.occupant = { name: 'c', idle: false };
  assert.equal(refusal(open(slots, '192.0.2.4', 'd', T0 + 11)), 'full', 'every session left is busy');
});

test('a scan from 50,000 addresses is forgotten: at most MAX_IDLE_CLIENTS kept, and none two minutes after', () => {
  const slots = table();
  for (let i = 0; i < 50_000; i++) {
    const a = open(slots, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'scan', T0 + i);
    assert.ok(a.ok);
    slots.release(a.slot);
    assert.ok(slots.remembered <= MAX_IDLE_CLIENTS + 1, `${slots.remembered} remembered after ${i + 1}`);
  }
  const held = open(slots, '192.0.2.9', 'kept', T0 + 50_000);
  assert.equal(refusal(open(slots, '192.0.2.10', 'late', T0 + 50_000 + 3 * MINUTE)), 'admitted');
  assert.equal(slots.remembered, 2, 'only the address holding a slot and the latest one');
  assert.ok(held.ok && !held.slot.released);
});
