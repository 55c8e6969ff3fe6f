/**
 * The renderer's one API client (api/client.ts) over both transports it can
 * be given: the real HTTP transport of the headless host, and the preload
 * bridge of the desktop app. Electron's ipcRenderer/ipcMain cannot run on
 * this machine, so an EventEmitter stands in for the IPC channel between the
 * bridge and the host's dispatcher: everything else is the code that runs.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { createApiClient, type ApiClient } from '../api/client.js';
import { ApiError, type ApiImplementation, type EventEnvelope, type RelayState } from '../api/contract.js';
import { createDispatcher } from '../api/dispatcher.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../api/ipc-channels.js';
import { createHttpTransport, createIpcTransport } from '../api/transports.js';
import { createPreloadBridge, type BridgeIpc } from '../preload-bridge.js';
import { startHttpTransport } from '../transport/http.js';

const state: RelayState = { status: 'running', listeners: [], queued: 2 };

/** The host's side, once: a dispatcher and its event feed. */
function host() {
  const impl = {
    'relay.status': () => Promise.resolve(state),
    'lists.create': ({ name }: { name: string }) =>
      name === 'Taken' ? Promise.reject(new ApiError('already_exists', 'A list named "Taken" exists already.', 'name')) : Promise.resolve({ name, users: 0, createdAt: '2026-11-26T00:00:00.000Z' }),
  } as unknown as ApiImplementation;
  return { dispatch: createDispatcher(impl, () => undefined, 'Something went wrong.'), events: new EventEmitter<{ event: [EventEnvelope] }>() };
}

async function overHttp(t: { after: (fn: () => Promise<void>) => void }, side: ReturnType<typeof host>): Promise<ApiClient> {
  const http = await startHttpTransport({ ...side, token: 'test-token', staticDir: '/nonexistent', host: '127.0.0.1', port: 0 });
  t.after(() => http.close());
  return createApiClient(createHttpTransport('test-token', http.url));
}

function overIpc(side: ReturnType<typeof host>): ApiClient {
  const channel = new EventEmitter();
  side.events.on('event', (envelope) => channel.emit(EVENT_CHANNEL, {}, envelope));
  const ipc: BridgeIpc = {
    invoke: (name, method, input) => {
      assert.equal(name, CALL_CHANNEL);
      return side.dispatch(String(method), input);
    },
    on: (name, listener) => channel.on(name, listener),
    removeListener: (name, listener) => channel.removeListener(name, listener),
  };
  return createApiClient(createIpcTransport(createPreloadBridge(ipc)));
}

test('the same client gives the same answers, errors and events over HTTP and over the preload bridge', async (t) => {
  const side = host();
  const clients = { http: await overHttp(t, side), ipc: overIpc(side) };
  for (const [name, client] of Object.entries(clients)) {
    assert.deepEqual(await client.call('relay.status', {}), state, name);
    assert.deepEqual(await client.call('lists.create', { name: 'Scanners' }), { name: 'Scanners', users: 0, createdAt: '2026-11-26T00:00:00.000Z' }, name);
    await assert.rejects(client.call('lists.create', { name: 'Taken' }), (err: unknown) => {
      assert.ok(err instanceof ApiError, name);
      assert.deepEqual([err.code, err.message, err.field], ['already_exists', 'A list named "Taken" exists already.', 'name'], name);
      return true;
    });
    await assert.rejects(client.call('lists.create', { name: '' }), (err: unknown) => err instanceof ApiError && err.code === 'invalid_input' && err.field === 'name');
  }
  const received = Promise.all(
    Object.values(clients).map(
      (client) =>
        new Promise<RelayState>((resolve) => {
          const off = client.on('relay.state', (payload) => {
            off();
            resolve(payload);
          });
        }),
    ),
  );
  // The HTTP subscription opens asynchronously: announce until both have heard.
  const changed: RelayState = { ...state, queued: 0 };
  const announce = setInterval(() => side.events.emit('event', { event: 'relay.state', payload: changed }), 20);
  t.after(() => clearInterval(announce));
  assert.deepEqual(await received, [changed, changed]);
});

test('over HTTP, every subscription of a client shares one event stream (a browser allows six connections per host), opened with the first and closed with the last', async (t) => {
  // The streams the client opens, counted at the fetch it makes them with: open until their signal aborts.
  const realFetch = globalThis.fetch;
  let open = 0;
  let opened = 0;
  let lastClosed: () => void = () => undefined;
  globalThis.fetch = (input, init) => {
    if (typeof input === 'string' && input.endsWith('api/events')) {
      open++;
      opened++;
      init?.signal?.addEventListener('abort', () => {
        open--;
        lastClosed();
      });
    }
    return realFetch(input, init);
  };
  t.after(() => (globalThis.fetch = realFetch));
  const side = host();
  const client = await overHttp(t, side);
  const heard = new Set<number>();
  const offs: (() => void)[] = [];
  const allHeard = new Promise<void>((resolve) => {
    for (let i = 0; i < 8; i++) {
      offs.push(
        client.on('relay.state', () => {
          heard.add(i);
          if (heard.size === 8) resolve();
        }),
      );
    }
  });
  const announce = setInterval(() => side.events.emit('event', { event: 'relay.state', payload: state }), 20);
  t.after(() => clearInterval(announce));
  await allHeard;
  clearInterval(announce);
  assert.deepEqual([opened, open], [1, 1], 'one stream for eight subscriptions');
  assert.deepEqual(await client.call('relay.status', {}), state);

  for (const off of offs.slice(0, 7)) off();
  assert.equal(open, 1, 'open while one subscription is left');
  const closed = new Promise<void>((resolve) => (lastClosed = resolve));
  offs[7]?.();
  await closed;
  assert.equal(open, 0, 'closed with the last subscription');
});
