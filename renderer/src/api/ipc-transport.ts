/**
 * The contract over Electron IPC, through the object the preload exposes.
 * The preload exposes one function per contract method and an event
 * subscription, nothing else (see electron/preload.ts).
 */
import type { ApiTransport } from '../../../electron/api/client.js';
import type { MethodName } from '../../../electron/api/contract.js';

export interface PreloadBridge {
  methods: Record<MethodName, (input: unknown) => Promise<unknown>>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    relayDesk?: PreloadBridge;
  }
}

export function createIpcTransport(bridge: PreloadBridge): ApiTransport {
  return {
    call: (method, input) => bridge.methods[method](input),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
