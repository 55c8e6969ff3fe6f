import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { methodNames } from '../api/contract.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../api/ipc-channels.js';
import { createPreloadBridge, type BridgeIpc } from '../preload-bridge.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** An ipcRenderer stand-in that records invokes and can deliver messages. */
function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: BridgeIpc = {
    invoke: (channel, ...args) => {
      invoked.push([channel, ...args]);
      return Promise.resolve({ ok: true, value: `answer to ${String(args[0])}` });
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const deliver = (channel: string, ...args: unknown[]) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'the IpcRendererEvent' }, ...args);
  };
  const count = (channel: string) => listeners.get(channel)?.size ?? 0;
  return { ipc, invoked, deliver, count };
}

test('the bridge has exactly call and onEvent at top level', () => {
  const bridge = createPreloadBridge(fakeIpc().ipc);
  assert.deepEqual(Object.keys(bridge).sort(), ['call', 'onEvent']);
  assert.equal(typeof bridge.call, 'function');
  assert.equal(typeof bridge.onEvent, 'function');
});

test('every call goes into the one call channel with its method name and input', async () => {
  const { ipc, invoked } = fakeIpc();
  const bridge = createPreloadBridge(ipc);
  for (const name of methodNames) {
    const input = { probe: name };
    assert.deepEqual(await bridge.call(name, input), { ok: true, value: `answer to ${name}` });
    assert.deepEqual(invoked.at(-1), [CALL_CHANNEL, name, input]);
  }
  assert.equal(invoked.length, methodNames.length);
});

test('the preload bundle carries no part of the contract: it is small and has no zod', async () => {
  const bundle = await readFile(new URL('../preload.cjs', import.meta.url), 'utf8');
  assert.ok(bundle.length < 4096, `${bundle.length} bytes`);
  assert.doesNotMatch(bundle, /safeParse|ZodError|\$ZodType/);
});

test('onEvent passes events as (name, payload) and drops what is not an envelope', () => {
  const { ipc, deliver } = fakeIpc();
  const seen: unknown[][] = [];
  createPreloadBridge(ipc).onEvent((...args) => seen.push(args));

  const payload = { status: 'running', listeners: [], queued: 0 };
  deliver(EVENT_CHANNEL, { event: 'relay.state', payload });
  deliver(EVENT_CHANNEL, { event: 42, payload: 1 });
  deliver(EVENT_CHANNEL, 'relay.state');
  deliver(EVENT_CHANNEL, null);
  deliver('some-other-channel', { event: 'relay.state', payload: 3 });

  // Exactly two arguments: the IpcRendererEvent never reaches the page.
  assert.deepEqual(seen, [['relay.state', payload]]);
});

test('the unsubscribe function removes the listener', () => {
  const { ipc, deliver, count } = fakeIpc();
  const bridge = createPreloadBridge(ipc);
  const seen: string[] = [];
  const unsubscribe = bridge.onEvent((event) => seen.push(event));
  const other = bridge.onEvent(() => undefined);
  assert.equal(count(EVENT_CHANNEL), 2);

  unsubscribe();
  assert.equal(count(EVENT_CHANNEL), 1);
  deliver(EVENT_CHANNEL, { event: 'relay.state', payload: {} });
  assert.deepEqual(seen, []);
  other();
  assert.equal(count(EVENT_CHANNEL), 0);
});
