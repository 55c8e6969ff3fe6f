/**
 * What the preload exposes to the page as `window.relayDesk`, built from an
 * ipcRenderer-like object so it can be tested without Electron. The page gets
 * a call into the one call channel and an event subscription, nothing else:
 * no channel names, no raw ipcRenderer, no IpcRendererEvent. It imports no
 * part of the contract (nor zod): the main process checks every call against
 * the contract (api/dispatcher.ts), and the page's client every event.
 */
import { CALL_CHANNEL, EVENT_CHANNEL } from './api/ipc-channels.js';
import type { PreloadBridge } from './api/transports.js';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** The part of ipcRenderer the bridge uses. */
export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export function createPreloadBridge(ipc: BridgeIpc): PreloadBridge {
  return {
    call: (method, input) => ipc.invoke(CALL_CHANNEL, method, input),
    onEvent(listener) {
      // The IpcRendererEvent stays here: it carries the sender and ports.
      const relay: IpcListener = (_event, envelope) => {
        if (typeof envelope !== 'object' || envelope === null) return;
        const { event, payload } = envelope as { event?: unknown; payload?: unknown };
        if (typeof event === 'string') listener(event, payload);
      };
      ipc.on(EVENT_CHANNEL, relay);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, relay);
      };
    },
  };
}
