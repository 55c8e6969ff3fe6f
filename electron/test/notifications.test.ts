/**
 * The desktop notifications, recorded: fed the relay states the supervisor
 * emits, in its order, with the clock in the test's hands.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { RelayState } from '../api/contract.js';
import { markerFile } from '../shell/marker-file.js';
import { DesktopNotifier, QUIET_MS, type Notice, type Remembered } from '../shell/notifications.js';
import { tempDir } from './history-fixture.js';
import { port } from './relay-state-fixture.js';

const RELAY_LOG = '/home/a/.config/Relay Desk/logs/relay.log';

/** The states the supervisor emits for a start, a crash and its restart. */
const starting: RelayState = { status: 'starting', listeners: [], queued: 0 };
const running: RelayState = { status: 'running', listeners: [port(2525)], queued: 0 };
const crashed: RelayState = { status: 'restarting', listeners: [], queued: 0, problem: 'The relay process exited with code 1; restarting in 0.5 s.' };
const respawned: RelayState = { ...crashed, listeners: [] };
const crashAndRestart = [crashed, respawned, running];

function notifier(t: TestContext, closedToTrayNotice: Remembered = { done: () => Promise.resolve(false), remember: () => Promise.resolve() }) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const shown: Notice[] = [];
  const n = new DesktopNotifier({ show: (notice) => shown.push(notice), platform: 'linux', relayLog: RELAY_LOG, closedToTrayNotice });
  t.after(() => n.dispose());
  const feed = (...states: RelayState[]) => states.forEach((s) => n.relayState(s));
  return { n, shown, feed };
}

test('a normal start says nothing; a crash says so once the relay runs again, naming the log', (t) => {
  const { shown, feed } = notifier(t);
  feed(starting, running);
  assert.deepEqual(shown, []);
  feed(crashed, respawned);
  assert.deepEqual(shown, [], 'nothing while it is still restarting');
  feed(running);
  assert.deepEqual(shown, [
    {
      title: 'The relay stopped and was restarted',
      body: `Relay Desk's SMTP relay stopped unexpectedly and is running again. What happened is in ${RELAY_LOG}.`,
    },
  ]);
  // More states while running are not another crash.
  feed(running, running);
  assert.equal(shown.length, 1);
});

test('a crash loop is said once, and the restarts held back are summed up when the quiet period ends', (t) => {
  const { shown, feed } = notifier(t);
  feed(starting, running);
  for (let i = 0; i < 10; i++) {
    feed(...crashAndRestart);
    t.mock.timers.tick(1_000);
  }
  assert.equal(shown.length, 1, 'one notice for ten restarts');
  t.mock.timers.tick(QUIET_MS);
  assert.deepEqual(shown.at(-1), {
    title: 'The relay keeps stopping',
    body: `Relay Desk restarted its SMTP relay 9 more times in the last 5 minutes. What happened is in ${RELAY_LOG}.`,
  });
  assert.equal(shown.length, 2);
  // Quiet again for a whole period: the next crash is news.
  t.mock.timers.tick(QUIET_MS);
  feed(...crashAndRestart);
  assert.equal(shown.length, 3);
  assert.equal(shown.at(-1)?.title, 'The relay stopped and was restarted');
});

test('quitting is not a crash', (t) => {
  const { shown, feed } = notifier(t);
  feed(starting, running, crashed, { status: 'stopping', listeners: [], queued: 0 }, { status: 'stopped', listeners: [], queued: 0 }, starting, running);
  assert.deepEqual(shown, []);
});

test('a port that cannot be opened is said once with its reason, not again while it stays failed or after a restart', (t) => {
  const { shown, feed } = notifier(t);
  const failed: RelayState = { ...running, listeners: [port(2525), port(25, { status: 'error', error: 'permission denied' })] };
  feed(starting, failed, failed);
  assert.deepEqual(shown, [{ title: 'Relay Desk could not open port 25', body: 'Port 25: permission denied.' }]);
  t.mock.timers.tick(QUIET_MS);
  feed(crashed, respawned, failed);
  assert.deepEqual(
    shown.map((s) => s.title),
    ['Relay Desk could not open port 25', 'The relay stopped and was restarted'],
  );
});

test('ports failing together are said in one notice; a port fixed and failing again within the quiet period is not said again', (t) => {
  const { shown, feed } = notifier(t);
  const bothFailed: RelayState = {
    ...running,
    listeners: [port(25, { status: 'error', error: 'permission denied' }), port(465, { status: 'error', error: 'address in use' }), port(587, { status: 'error' })],
  };
  feed(starting, bothFailed);
  assert.deepEqual(shown, [
    { title: 'Relay Desk could not open ports 25, 465 and 587', body: 'Port 25: permission denied.\nPort 465: address in use.\nPort 587: no reason given.' },
  ]);
  feed(running, bothFailed);
  assert.equal(shown.length, 1);
  t.mock.timers.tick(QUIET_MS);
  feed(running, bothFailed);
  assert.equal(shown.length, 2, 'after the quiet period it is news again');
});

test('closing the window is explained the first time only, remembered in a file across starts', async (t) => {
  const dir = await tempDir(t);
  const remembered = markerFile(join(dir, 'tray-notice-shown'));
  const first = notifier(t, remembered);
  await first.n.closedToTray();
  await first.n.closedToTray();
  assert.deepEqual(first.shown, [
    {
      title: 'Relay Desk is still running',
      body: 'The SMTP relay keeps accepting and delivering mail. Open Relay Desk again or quit it from its icon in the tray.',
    },
  ]);
  // The next start of the app: a new notifier over the same file.
  const shown: Notice[] = [];
  await new DesktopNotifier({ show: (notice) => shown.push(notice), platform: 'linux', relayLog: RELAY_LOG, closedToTrayNotice: remembered }).closedToTray();
  assert.deepEqual(shown, []);
});

test('on macOS the notice speaks of the menu bar', async () => {
  const shown: Notice[] = [];
  const n = new DesktopNotifier({
    show: (notice) => shown.push(notice),
    platform: 'darwin',
    relayLog: RELAY_LOG,
    closedToTrayNotice: { done: () => Promise.resolve(false), remember: () => Promise.resolve() },
  });
  await n.closedToTray();
  assert.match(shown[0]?.body ?? '', /icon in the menu bar\.$/);
});
