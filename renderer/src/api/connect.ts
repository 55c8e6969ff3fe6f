/** Picks the transport the page was opened with; the rest of the UI never knows which. */
import { createApiClient, type ApiClient } from '#api/client.js';
import { createHttpTransport, createIpcTransport } from '#api/transports.js';
import { readAdminToken } from './http-transport.js';
import './ipc-transport.js';

export type Connection = { client: ApiClient } | { problem: string };

export function connect(): Connection {
  if (window.relayDesk) return { client: createApiClient(createIpcTransport(window.relayDesk)) };
  const token = readAdminToken();
  if (!token) {
    return {
      problem:
        'This page needs the admin token. Open the full address that `relay-desk serve` printed in its terminal (it ends in #token=…), ' +
        'or run `relay-desk admin-url` on this computer to print it again. Opening it in this tab signs you in.',
    };
  }
  return { client: createApiClient(createHttpTransport(token)) };
}
