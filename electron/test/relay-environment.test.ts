import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profilerArgs, relayEnvironment } from '../host/relay-process.js';

test('the relay gets PATH and NODE_ENV, none of the host environment, however it is launched', (t) => {
  process.env.RELAY_DESK_TEST_TOKEN = 'must-not-leak';
  t.after(() => delete process.env.RELAY_DESK_TEST_TOKEN);
  const env = relayEnvironment();
  assert.deepEqual(Object.keys(env).sort(), ['NODE_ENV', 'PATH']);
  assert.equal(env.PATH, process.env.PATH);
  assert.ok(!Object.values(env).includes('must-not-leak'));
});

test('a host run with --cpu-prof passes its profiler options on to the relay, and nothing else of its own', () => {
  assert.deepEqual(
    profilerArgs(['--cpu-prof', '--cpu-prof-dir=/tmp/p', '--cpu-prof-interval=500', '--cpu-prof-name=host.cpuprofile', '--inspect', '--max-old-space-size=100']),
    ['--cpu-prof', '--cpu-prof-dir=/tmp/p', '--cpu-prof-interval=500'],
  );
  assert.deepEqual(profilerArgs([]), []);
});
