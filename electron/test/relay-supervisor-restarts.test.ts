/**
 * The relay supervisor keeping a real child process alive: restarts with
 * growing delays while the relay keeps dying, the delays starting over after a
 * healthy run, a graceful stop, SIGKILL for a relay that does not stop, and no
 * restart after a stop. The child is the scripted relay on the relay's own
 * channel; the delays run on Node's mocked clock, so a test says exactly when
 * a restart may happen instead of timing it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSettled, supervise, testConfig } from './scripted-launcher.js';

const DELAYS_MS = [100, 200, 400];
const HEALTHY_AFTER_MS = 30_000;
const running = (state: { status: string }) => state.status === 'running';

test('a relay that dies while starting is restarted after each delay in turn, the last one repeating', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { supervisor, children, states } = supervise(t, [['--exit-at-start=3']], { restartDelaysMs: DELAYS_MS });
  supervisor.start();
  assert.equal(states[0]?.status, 'starting');

  for (const [crash, delay] of [...DELAYS_MS, 400].entries()) {
    const exit = await children[crash]?.exited;
    assert.deepEqual(exit, { code: 3, signal: null });
    assert.deepEqual(supervisor.state, {
      status: 'restarting',
      listeners: [],
      queued: 0,
      problem: `The relay process exited with code 3; restarting in ${delay / 1000} s.`,
    });
    t.mock.timers.tick(delay - 1);
    assert.equal(children.length, crash + 1, `no restart before ${delay} ms`);
    t.mock.timers.tick(1);
    assert.equal(children.length, crash + 2, `a restart at ${delay} ms`);
    assert.equal(supervisor.state.status, 'restarting');
  }
});

test('after a run of 30 s the delays start over; a shorter run keeps them growing', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { supervisor, children, waitForState } = supervise(t, [['--exit-at-start=3'], ['--exit-at-start=3'], []], { restartDelaysMs: DELAYS_MS });
  supervisor.start();
  await children[0]?.exited;
  t.mock.timers.tick(100);
  await children[1]?.exited;
  t.mock.timers.tick(200);
  await waitForState(running, 'the third relay runs');

  const crashAfter = async (runMs: number) => {
    const child = children.at(-1);
    t.mock.timers.tick(runMs);
    child?.process.kill('SIGKILL');
    await child?.exited;
    return supervisor.state.problem;
  };
  assert.equal(await crashAfter(HEALTHY_AFTER_MS - 1_000), 'The relay process was stopped by signal SIGKILL; restarting in 0.4 s.');
  t.mock.timers.tick(400);
  await waitForState(running, 'the fourth relay runs');
  assert.equal(await crashAfter(HEALTHY_AFTER_MS + 1), 'The relay process was stopped by signal SIGKILL; restarting in 0.1 s.');
  t.mock.timers.tick(100);
  await waitForState(running, 'the fifth relay runs');
  assert.equal(children.length, 5);
});

test('a relay that crashes while running is started again, gets its configuration and the problem goes', async (t) => {
  const { supervisor, children, states, waitForState } = supervise(t, [[]], { config: () => testConfig(2600), restartDelaysMs: [10] });
  supervisor.start();
  await waitForState(running, 'the relay runs');
  const first = children[0];
  first?.process.kill('SIGKILL');
  await first?.exited;
  assert.equal(supervisor.state.status, 'restarting');
  assert.deepEqual(supervisor.state.listeners, []);

  const state = await waitForState(running, 'the restarted relay runs');
  assert.equal(children.length, 2);
  await children[1]?.waitForReceived('configure');
  assert.deepEqual(state, {
    status: 'running',
    listeners: [{ port: 2600, address: '127.0.0.1', encryption: 'none', clearTextLogins: true, status: 'listening' }],
    queued: 0,
  });
  assert.deepEqual(
    states.map((s) => s.status),
    ['starting', 'running', 'restarting', 'restarting', 'running'],
  );
  assert.notEqual(supervisor.pid, first?.process.pid);
});

test('stop asks the relay to stop and waits for it to exit on its own', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { supervisor, children, states, waitForState } = supervise(t, [[]], { stopTimeoutMs: 1_000 });
  supervisor.start();
  await waitForState(running, 'the relay runs');
  await supervisor.stop();
  const [child] = children;
  assert.ok(child);
  assert.deepEqual(await child.exited, { code: 0, signal: null });
  assert.deepEqual(child.kills, []);
  assert.equal(child.received.at(-1)?.type, 'stop');
  assert.deepEqual(
    states.slice(-2).map((s) => s.status),
    ['stopping', 'stopped'],
  );
  assert.equal(supervisor.pid, undefined);
});

test('a relay that ignores the stop is killed with SIGKILL once the stop timeout is over, not before', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { supervisor, children, waitForState } = supervise(t, [['--ignore-stop']], { stopTimeoutMs: 5_000 });
  supervisor.start();
  await waitForState(running, 'the relay runs');
  const [child] = children;
  assert.ok(child);
  const stopped = supervisor.stop();
  await child.waitForReceived('stop');
  t.mock.timers.tick(4_999);
  assert.deepEqual(child.kills, []);
  assert.equal(await isSettled(stopped), false);
  assert.equal(supervisor.state.status, 'stopping');

  t.mock.timers.tick(1);
  assert.deepEqual(child.kills, ['SIGKILL']);
  await stopped;
  assert.deepEqual(await child.exited, { code: null, signal: 'SIGKILL' });
  assert.equal(supervisor.state.status, 'stopped');
});

test('a stop during the delay before a restart cancels the restart', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { supervisor, children } = supervise(t, [['--exit-at-start=3']], { restartDelaysMs: [100, 5_000] });
  supervisor.start();
  await children[0]?.exited;
  assert.equal(supervisor.state.status, 'restarting');
  await supervisor.stop();
  assert.deepEqual(supervisor.state, { status: 'stopped', listeners: [], queued: 0 }, 'no "restarting in" left behind');
  t.mock.timers.tick(60_000);
  assert.equal(children.length, 1, 'no relay started after the stop');

  supervisor.start();
  assert.equal(supervisor.state.status, 'starting', 'a new start is a first start, not a restart');
  await children[1]?.exited;
  assert.match(supervisor.state.problem ?? '', /restarting in 0\.1 s/, 'and its backoff starts over');
});
