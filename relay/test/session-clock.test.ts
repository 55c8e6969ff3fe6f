/**
 * A session's deadlines on their own, on Node's mocked clock and timers:
 * what expires when, and what does not extend it.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { SessionLimits } from '../protocol.js';
import { SessionClock, type Expiry } from '../session/session-clock.js';

const LIMITS: SessionLimits = { identifyMs: 60_000, commandLineMs: 1000, idleMs: 5000, minDataBytesPerSecond: 1000, maxCommandsBeforeAuth: 10 };

function clock(t: TestContext, limits: Partial<SessionLimits> = {}, identified = () => true): { clock: SessionClock; expired: Expiry[] } {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const expired: Expiry[] = [];
  const all = { ...LIMITS, ...limits };
  const c = new SessionClock(() => all, identified, (why) => expired.push(why));
  t.after(() => c.stop());
  return { clock: c, expired };
}

/** Advances the mocked time in steps, running `step` at each, until `until` ms or something expired. */
function run(t: TestContext, expired: Expiry[], everyMs: number, until: number, step: () => void): number {
  const over = () => expired.length > 0 || Date.now() >= until;
  while (!over()) {
    t.mock.timers.tick(everyMs);
    if (expired.length === 0) step();
  }
  return Date.now();
}

test('a command line trickled in is cut off commandLineMs after its first byte, however often bytes come', (t) => {
  const { clock: c, expired } = clock(t);
  c.received(1, false);
  c.waiting({ inData: false, partialLine: true });
  const at = run(t, expired, 100, 10_000, () => {
    c.received(1, false);
    c.waiting({ inData: false, partialLine: true });
  });
  assert.deepEqual(expired, ['command-line']);
  assert.equal(at, 1000);
});

test('lines that end in time do not add up: each has its own commandLineMs', (t) => {
  const { clock: c, expired } = clock(t);
  const at = run(t, expired, 900, 18_000, () => {
    c.received(5, false);
    c.lineEnded();
    c.waiting({ inData: false, partialLine: true });
  });
  assert.deepEqual(expired, []);
  assert.equal(at, 18_000);
});

test('silence between commands ends the session after idleMs; the relay\'s own turn does not count', (t) => {
  const { clock: c, expired } = clock(t);
  c.received(6, false);
  // The relay works on the command for a minute (a slow handler): no deadline runs.
  t.mock.timers.tick(60_000);
  assert.deepEqual(expired, []);
  c.lineEnded();
  c.waiting({ inData: false, partialLine: false });
  t.mock.timers.tick(4999);
  assert.deepEqual(expired, []);
  t.mock.timers.tick(1);
  assert.deepEqual(expired, ['idle']);
});

test('message data: a steady upload at the minimum rate never runs out; a slower one does', (t) => {
  const { clock: c, expired } = clock(t);
  c.waiting({ inData: true, partialLine: false });
  // 1,000 bytes a second, in pieces every 400 ms, for a minute: the budget stays full.
  run(t, expired, 400, 60_000, () => {
    c.received(400, true);
    c.waiting({ inData: true, partialLine: false });
  });
  assert.deepEqual(expired, []);
  // 100 bytes every 400 ms: 300 ms lost each time, the 5 s budget is gone after about 16 steps.
  const start = Date.now();
  const at = run(t, expired, 400, 120_000, () => {
    c.received(100, true);
    c.waiting({ inData: true, partialLine: false });
  });
  assert.deepEqual(expired, ['data']);
  assert.ok(at - start > 5000 && at - start <= 7200, `expired ${at - start} ms into the trickle`);
});

test('a client that has not logged in is closed identifyMs after connecting, busy or not; one that has is not', (t) => {
  let identified = false;
  const { clock: c, expired } = clock(t, { identifyMs: 3000 }, () => identified);
  run(t, expired, 500, 10_000, () => {
    c.received(6, false);
    c.lineEnded();
    c.waiting({ inData: false, partialLine: false });
  });
  assert.deepEqual(expired, ['identify']);
  assert.equal(Date.now(), 3000);

  identified = true;
  const other = new SessionClock(() => ({ ...LIMITS, identifyMs: 3000 }), () => identified, (why) => expired.push(why));
  t.after(() => other.stop());
  expired.length = 0;
  run(t, expired, 500, 20_000, () => {
    other.received(6, false);
    other.lineEnded();
    other.waiting({ inData: false, partialLine: false });
  });
  assert.deepEqual(expired, []);
});

test('a stopped clock never expires', (t) => {
  const { clock: c, expired } = clock(t, { identifyMs: 1000 }, () => false);
  c.stop();
  t.mock.timers.tick(100_000);
  assert.deepEqual(expired, []);
});
