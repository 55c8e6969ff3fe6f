/**
 * The contract over the headless host's HTTP endpoint. The admin token
 * arrives in the URL fragment (never sent to the server in a URL), is kept
 * for this tab only, and travels as a bearer header.
 */
import type { ApiTransport } from '../../../electron/api/client.js';
import { readEventStream } from '../../../electron/api/event-stream.js';

const TOKEN_KEY = 'relay-desk-admin-token';

/** Takes the token out of the address bar so it is not left in history or screenshots. */
export function readAdminToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function createHttpTransport(token: string): ApiTransport {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    async call(method, input) {
      const res = await fetch(`api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      return (await res.json()) as unknown;
    },
    subscribe(listener) {
      const controller = new AbortController();
      void streamEvents(headers, controller.signal, listener);
      return () => controller.abort();
    },
  };
}

/** Reads the server-sent event stream, reconnecting after a dropped connection. */
async function streamEvents(
  headers: Record<string, string>,
  signal: AbortSignal,
  listener: (event: string, payload: unknown) => void,
): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch('api/events', { headers, signal });
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
