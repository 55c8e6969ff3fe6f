/**
 * Logins against real scrypt verifiers (two, made once: each costs ~130 ms),
 * and the failure limiter with explicit clocks.
 */
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { test, type TestContext } from 'node:test';
import type { RelayUser } from '../protocol.js';
import { AuthFailureLimiter, Authenticator } from '../session/auth.js';
import { createVerifier } from '../shared/verifier.js';

const OLD_PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'Tr0ub4dor&3 is better';
const [OLD_VERIFIER, NEW_VERIFIER] = await Promise.all([createVerifier(OLD_PASSWORD), createVerifier(NEW_PASSWORD)]);

function user(over: Partial<RelayUser> = {}): RelayUser {
  return {
    name: 'scanner',
    active: true,
    verifier: OLD_VERIFIER,
    priority: 3,
    list: 'default',
    senders: [],
    trustedClients: [],
    rateLimitPerHour: null,
    ...over,
  };
}

function authenticator(users: RelayUser[]): Authenticator {
  const auth = new Authenticator();
  auth.setUsers(users);
  return auth;
}

/**
 * Counts scrypt runs from here on: a remembered login is told by the work it
 * skips, not by a time a busy machine may exceed. The builtin's CommonJS
 * object is what can be spied on; the sync carries the spy to ESM imports.
 */
function scryptRuns(t: TestContext): () => number {
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const scrypt = t.mock.method(crypto, 'scrypt');
  syncBuiltinESMExports();
  t.after(() => {
    scrypt.mock.restore();
    syncBuiltinESMExports();
  });
  return () => scrypt.mock.callCount();
}

test('the right password logs the user in, a wrong one does not, an unknown user is told apart', async () => {
  const scanner = user();
  const auth = authenticator([scanner, user({ name: 'printer', verifier: NEW_VERIFIER })]);
  const [right, wrong, empty] = await Promise.all([auth.login('scanner', OLD_PASSWORD), auth.login('scanner', NEW_PASSWORD), auth.login('scanner', '')]);
  assert.deepEqual(right, { ok: true, user: scanner });
  assert.deepEqual(wrong, { ok: false, reason: 'wrong-password' });
  assert.deepEqual(empty, { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await auth.login('nobody', OLD_PASSWORD), { ok: false, reason: 'unknown-user' });
  assert.deepEqual(await auth.login('Scanner', OLD_PASSWORD), { ok: false, reason: 'unknown-user' }, 'names are exact');
  assert.equal(auth.user('scanner'), scanner);
  assert.equal(auth.user('nobody'), undefined);
});

test('an inactive user learns it is inactive only with the right password', async () => {
  const auth = authenticator([user({ active: false })]);
  assert.deepEqual(await auth.login('scanner', NEW_PASSWORD), { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'inactive' });
  // Also when the right password is already remembered.
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'inactive' });
});

test('a second login with the same password is answered from memory, without scrypt', async (t) => {
  const auth = authenticator([user()]);
  const runs = scryptRuns(t);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  assert.equal(runs(), 1);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  assert.equal(runs(), 1, 'the second login ran no scrypt');
});

test('a wrong password after a remembered right one still fails, and the right one still works after it', async (t) => {
  const auth = authenticator([user()]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  const runs = scryptRuns(t);
  const wrong = await Promise.all([auth.login('scanner', `${OLD_PASSWORD} `), auth.login('scanner', NEW_PASSWORD)]);
  assert.deepEqual(wrong, [
    { ok: false, reason: 'wrong-password' },
    { ok: false, reason: 'wrong-password' },
  ]);
  assert.equal(runs(), 2, 'each wrong password was checked');
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  assert.equal(runs(), 2, 'a failed attempt does not forget the remembered login');
});

test('a remembered password is forgotten when the user gets a new verifier: the old password then fails', async () => {
  const auth = authenticator([user()]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  auth.setUsers([user({ verifier: NEW_VERIFIER })]);
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'wrong-password' });
  assert.equal((await auth.login('scanner', NEW_PASSWORD)).ok, true);
});

test('other changes to the user keep the remembered login and the login returns the updated user', async (t) => {
  const auth = authenticator([user()]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  const changed = user({ priority: 1, rateLimitPerHour: 100 });
  auth.setUsers([changed]);
  const runs = scryptRuns(t);
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: true, user: changed });
  assert.equal(runs(), 0);
});

test('a user removed from the configuration cannot log in with a remembered password', async () => {
  const auth = authenticator([user()]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  auth.setUsers([]);
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'unknown-user' });
  // Coming back with the same verifier is like a fresh start: the right password works.
  auth.setUsers([user()]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
});

test('a login checked against a verifier that was replaced while scrypt ran fails', async () => {
  const auth = authenticator([user()]);
  const pending = auth.login('scanner', OLD_PASSWORD);
  auth.setUsers([user({ verifier: NEW_VERIFIER })]);
  assert.deepEqual(await pending, { ok: false, reason: 'wrong-password' });
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'wrong-password' }, 'and it was not remembered');
});

test('users changed one by one: a new verifier forgets the remembered login, other changes keep it, the rest are untouched', async (t) => {
  const auth = authenticator([user(), user({ name: 'printer' })]);
  assert.equal((await auth.login('scanner', OLD_PASSWORD)).ok, true);
  assert.equal((await auth.login('printer', OLD_PASSWORD)).ok, true);
  const inactive = user({ active: false });
  auth.updateUsers([inactive, user({ name: 'copier', verifier: NEW_VERIFIER })], []);
  const runs = scryptRuns(t);
  assert.deepEqual(await auth.login('scanner', OLD_PASSWORD), { ok: false, reason: 'inactive' });
  assert.equal(runs(), 0, 'an unchanged verifier keeps the remembered login');
  assert.equal(auth.user('scanner'), inactive);
  assert.equal((await auth.login('copier', NEW_PASSWORD)).ok, true, 'a user added by a change logs in');

  auth.updateUsers([user({ name: 'printer', verifier: NEW_VERIFIER })], ['copier']);
  assert.deepEqual(await auth.login('printer', OLD_PASSWORD), { ok: false, reason: 'wrong-password' });
  assert.equal((await auth.login('printer', NEW_PASSWORD)).ok, true);
  assert.deepEqual(await auth.login('copier', NEW_PASSWORD), { ok: false, reason: 'unknown-user' });
  assert.equal(auth.user('copier'), undefined);
});

const LIMITS = { max: 3, windowSeconds: 60, blockSeconds: 300 };
const T0 = 1_790_000_000_000;

test('the limiter blocks an address at its max-th failure within the window, until the block ends', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  assert.equal(limiter.fail('10.0.0.9', T0), null);
  assert.equal(limiter.fail('10.0.0.9', T0 + 10_000), null);
  assert.equal(limiter.blockedUntil('10.0.0.9', T0 + 10_000), null, 'not blocked below max');
  const until = limiter.fail('10.0.0.9', T0 + 59_000);
  assert.equal(until, T0 + 59_000 + 300_000);
  assert.equal(limiter.blockedUntil('10.0.0.9', T0 + 59_001), until);
  assert.equal(limiter.blockedUntil('10.0.0.9', until - 1), until);
  assert.equal(limiter.blockedUntil('10.0.0.9', until), null, 'the block ends at its end time');
  assert.equal(limiter.blockedUntil('10.0.0.10', T0 + 59_001), null, 'other addresses are not affected');
});

test('failures spread wider than the window never block', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  for (let i = 0; i < 10; i++) {
    const now = T0 + i * 30_001;
    assert.equal(limiter.fail('10.0.0.9', now), null, `failure ${i + 1}`);
    assert.equal(limiter.blockedUntil('10.0.0.9', now), null);
  }
  // Exactly one window apart: the first no longer counts.
  const edge = new AuthFailureLimiter(LIMITS);
  edge.fail('10.0.0.9', T0);
  edge.fail('10.0.0.9', T0 + 30_000);
  assert.equal(edge.fail('10.0.0.9', T0 + 60_000), null);
});

test('after a block ends the count starts afresh', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  for (const dt of [0, 1, 2]) limiter.fail('10.0.0.9', T0 + dt);
  const after = T0 + 2 + 300_000;
  assert.equal(limiter.blockedUntil('10.0.0.9', after), null);
  assert.equal(limiter.fail('10.0.0.9', after), null);
  assert.equal(limiter.fail('10.0.0.9', after + 1), null);
  assert.equal(limiter.fail('10.0.0.9', after + 2), after + 2 + 300_000);
});

test('a successful login clears the failures counted so far', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  limiter.fail('10.0.0.9', T0);
  limiter.fail('10.0.0.9', T0 + 1);
  limiter.succeed('10.0.0.9');
  assert.equal(limiter.fail('10.0.0.9', T0 + 2), null);
  assert.equal(limiter.fail('10.0.0.9', T0 + 3), null);
  assert.equal(limiter.blockedUntil('10.0.0.9', T0 + 3), null);
  assert.notEqual(limiter.fail('10.0.0.9', T0 + 4), null, 'three failures after the success block');
});

test('new limits apply to the next failure', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  limiter.fail('10.0.0.9', T0);
  limiter.setLimits({ max: 2, windowSeconds: 60, blockSeconds: 10 });
  assert.equal(limiter.fail('10.0.0.9', T0 + 1), T0 + 1 + 10_000);
});

test('many devices logging in at once with the same credentials run scrypt once; different passwords each run it', async (t) => {
  const runs = scryptRuns(t);
  const auth = authenticator([user()]);
  const results = await Promise.all(Array.from({ length: 20 }, () => auth.login('scanner', OLD_PASSWORD)));
  assert.ok(results.every((r) => r.ok));
  assert.equal(runs(), 1);
  const wrong = await Promise.all(['guess 1', 'guess 2', 'guess 1'].map((p) => auth.login('scanner', p)));
  assert.ok(wrong.every((r) => !r.ok));
  assert.equal(runs(), 3, 'two distinct wrong passwords, one check each');
});

test('a scan from many addresses is forgotten once its failures and blocks are over', () => {
  const limiter = new AuthFailureLimiter(LIMITS);
  for (let i = 0; i < 5_000; i++) limiter.fail(`10.1.${Math.floor(i / 250)}.${i % 250}`, T0 + i);
  for (const dt of [0, 1, 2]) limiter.fail('10.9.9.9', T0 + 5_000 + dt);
  assert.equal(limiter.size, 5_001);
  // A window later the one-off failures are gone; the block lasts its full time.
  limiter.fail('10.2.0.1', T0 + 5_002 + 60_000);
  assert.equal(limiter.size, 2);
  assert.ok(limiter.blockedUntil('10.9.9.9', T0 + 5_002 + 60_000) !== null, 'a block is kept until it ends');
  limiter.fail('10.2.0.2', T0 + 5_002 + 300_001);
  assert.equal(limiter.size, 1, 'the ended block and the old failure are forgotten');
});
