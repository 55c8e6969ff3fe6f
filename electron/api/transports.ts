/**
 * The two ways the admin UI reaches the host, as ApiTransports for the one
 * client (./client.ts): the headless host's HTTP endpoint, and the object the
 * Electron preload exposes. Neither touches the DOM, so the renderer and the
 * tests use the very same code.
 */
import type { ApiTransport } from './client.js';
import type { MethodName } from './contract.js';
import { readEventStream } from './event-stream.js';

/** What the preload exposes as window.relayDesk (built by electron/preload-bridge.ts). */
export interface PreloadBridge {
  call(method: MethodName, input: unknown): Promise<unknown>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

export function createIpcTransport(bridge: PreloadBridge): ApiTransport {
  return {
    call: (method, input) => bridge.call(method, input),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}

/**
 * The contract over HTTP with the admin token as a bearer header. `base` is
 * '' in the page (addresses relative to it) and the host's URL elsewhere.
 */
export function createHttpTransport(token: string, base = ''): ApiTransport {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    async call(method, input) {
      const res = await fetch(`${base}api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body: unknown = await res.json();
      return body;
    },
    subscribe: sharedStream((listener, signal) => void streamEvents(`${base}api/events`, headers, signal, listener)),
  };
}

type EventListener = (event: string, payload: unknown) => void;

/**
 * One event stream for all of a transport's subscribers, opened with the
 * first and closed with the last. A stream per subscriber held one HTTP
 * connection each, and a browser allows six per host over HTTP/1.1: a screen
 * with six subscriptions left no connection for its calls, which then waited
 * forever.
 */
function sharedStream(open: (listener: EventListener, signal: AbortSignal) => void): (listener: EventListener) => () => void {
  const listeners = new Set<EventListener>();
  let controller: AbortController | null = null;
  return (listener) => {
    // Wrapped, so the same function subscribed twice is two subscriptions, as with one stream each.
    const entry: EventListener = (event, payload) => listener(event, payload);
    listeners.add(entry);
    if (!controller) {
      controller = new AbortController();
      open((event, payload) => {
        for (const each of [...listeners]) each(event, payload);
      }, controller.signal);
    }
    return () => {
      listeners.delete(entry);
      if (listeners.size === 0 && controller) {
        controller.abort();
        controller = null;
      }
    };
  };
}

/** Reads the server-sent event stream, reconnecting after a dropped connection. */
async function streamEvents(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  listener: (event: string, payload: unknown) => void,
): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, { headers, signal });
      if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
      delay = 500;
      for await (const envelope of readEventStream(res.body)) listener(envelope.event, envelope.payload);
    } catch {
      // Dropped or refused: reconnect after the delay below, unless aborted.
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}
