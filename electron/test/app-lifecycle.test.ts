/**
 * The shell's lifecycle with stand-ins for BrowserWindow and the host
 * (Electron cannot run here): what the app events do to the window and the
 * host, in the orders Electron can deliver them.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { AppLifecycle, type ShellWindow } from '../shell/app-lifecycle.js';

/** A BrowserWindow stand-in: records what was done to it, and can be closed like a user would. */
class StandInWindow extends EventEmitter implements ShellWindow {
  readonly done: string[] = [];
  minimized = false;
  isMinimized = () => this.minimized;
  restore = () => void this.done.push('restore');
  show = () => void this.done.push('show');
  focus = () => void this.done.push('focus');
  userCloses(): void {
    this.emit('closed');
  }
}

/** A promise with its resolve and reject at hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setUp(options: { hidden?: boolean } = {}) {
  const host = { name: 'the host' };
  const starting = deferred<typeof host>();
  const stopping = deferred<undefined>();
  const record: string[] = [];
  const windows: StandInWindow[] = [];
  const lifecycle = new AppLifecycle<typeof host>({
    hidden: options.hidden ?? false,
    startHost: () => {
      record.push('start host');
      return starting.promise;
    },
    stopHost: (h) => {
      record.push(`stop ${h.name}`);
      return stopping.promise;
    },
    createWindow: (h) => {
      record.push(`window onto ${h.name}`);
      const window = new StandInWindow();
      windows.push(window);
      return window;
    },
    closedToTray: () => record.push('closed to tray'),
    quit: () => record.push('quit'),
    failed: (err) => record.push(`failed: ${(err as Error).message}`),
    stopFailed: (err) => record.push(`stop failed: ${(err as Error).message}`),
  });
  const beforeQuit = () => {
    let prevented = false;
    lifecycle.beforeQuit({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { host, starting, stopping, record, windows, lifecycle, beforeQuit };
}

test('one window once the host is ready, however often it was asked for while starting (macOS activate, a second launch)', async () => {
  const { starting, host, record, windows, lifecycle } = setUp();
  const started = lifecycle.start();
  lifecycle.showWindow();
  lifecycle.showWindow();
  assert.equal(windows.length, 0, 'no window before the host is ready');
  starting.resolve(host);
  await started;
  assert.equal(windows.length, 1);
  assert.deepEqual(record, ['start host', 'window onto the host']);
  // Asked again now: the same window comes to the front.
  lifecycle.showWindow();
  assert.equal(windows.length, 1);
  assert.deepEqual(windows[0]?.done, ['show', 'focus']);
});

test('started hidden there is no window until one is asked for', async () => {
  const { starting, host, windows, lifecycle } = setUp({ hidden: true });
  starting.resolve(host);
  await lifecycle.start();
  assert.equal(windows.length, 0);
  lifecycle.showWindow();
  assert.equal(windows.length, 1);
});

test('started hidden and asked for a window while starting, the window opens once ready', async () => {
  const { starting, host, windows, lifecycle } = setUp({ hidden: true });
  const started = lifecycle.start();
  lifecycle.showWindow();
  starting.resolve(host);
  await started;
  assert.equal(windows.length, 1);
});

test('closing the window keeps the host running and says so; asking again opens a new window, a minimized one is restored', async () => {
  const { starting, host, record, windows, lifecycle } = setUp();
  starting.resolve(host);
  await lifecycle.start();
  windows[0]?.userCloses();
  assert.equal(lifecycle.state, 'running');
  assert.deepEqual(record.slice(-1), ['closed to tray']);
  lifecycle.showWindow();
  assert.equal(windows.length, 2);
  const second = windows[1];
  assert.ok(second);
  second.minimized = true;
  lifecycle.showWindow();
  assert.deepEqual(second.done, ['restore', 'show', 'focus']);
  assert.ok(!record.some((r) => r.startsWith('stop')), 'the host was never stopped');
});

test('quit is held back until the host has stopped, then let through; asked twice, the host is stopped once', async () => {
  const { starting, stopping, host, record, windows, lifecycle, beforeQuit } = setUp();
  starting.resolve(host);
  await lifecycle.start();
  assert.equal(beforeQuit(), true, 'the first quit waits for the host');
  assert.equal(beforeQuit(), true, 'so does a second one meanwhile');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(record.filter((r) => r.startsWith('stop')), ['stop the host']);
  assert.ok(!record.includes('quit'));
  stopping.resolve(undefined);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(record.at(-1), 'quit');
  // Electron asks again and closes the windows: nothing is held back, nothing said about the tray.
  assert.equal(beforeQuit(), false);
  windows[0]?.userCloses();
  assert.ok(!record.includes('closed to tray'));
});

test('quit while the host is starting waits for the start, stops the host, and opens no window', async () => {
  const { starting, stopping, host, record, windows, lifecycle, beforeQuit } = setUp();
  const started = lifecycle.start();
  lifecycle.showWindow();
  assert.equal(beforeQuit(), true);
  assert.deepEqual(record, ['start host'], 'nothing to stop yet');
  starting.resolve(host);
  await started;
  stopping.resolve(undefined);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(record, ['start host', 'stop the host', 'quit']);
  assert.equal(windows.length, 0);
});

test('a host that failed to start is reported, nothing is stopped, and the quit that follows goes through', async () => {
  const { starting, record, windows, lifecycle, beforeQuit } = setUp();
  const started = lifecycle.start();
  starting.reject(new Error('the data folder is not readable'));
  await started;
  assert.deepEqual(record, ['start host', 'failed: the data folder is not readable']);
  lifecycle.showWindow();
  assert.equal(windows.length, 0);
  assert.equal(beforeQuit(), false);
});

test('a host that does not stop cleanly is reported and the app quits all the same', async () => {
  const { starting, stopping, host, record, lifecycle, beforeQuit } = setUp();
  starting.resolve(host);
  await lifecycle.start();
  beforeQuit();
  stopping.reject(new Error('the relay did not exit'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(record.slice(-2), ['stop failed: the relay did not exit', 'quit']);
});

test('quit before Electron is ready: the host is never started', async () => {
  const { record, lifecycle, beforeQuit } = setUp();
  assert.equal(beforeQuit(), true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(record, ['quit']);
  await lifecycle.start();
  assert.deepEqual(record, ['quit']);
  assert.equal(beforeQuit(), false);
});
