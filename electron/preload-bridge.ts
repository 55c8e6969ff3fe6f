/**
 * What the preload exposes to the page as `window.relayDesk`, built from an
 * ipcRenderer-like object so it can be tested without Electron. The page gets
 * one function per contract method and an event subscription, nothing else:
 * no channel names, no raw ipcRenderer, no IpcRendererEvent.
 */
import { isEventName, methodNames } from './api/contract.js';
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
  const methods = Object.fromEntries(
    methodNames.map((name) => [name, (input: unknown) => ipc.invoke(CALL_CHANNEL, name, input)]),
  ) as PreloadBridge['methods'];

  return {
    methods,
    onEvent(listener) {
      // The IpcRendererEvent stays here: it carries the sender and ports.
      const relay: IpcListener = (_event, envelope) => {
        if (typeof envelope !== 'object' || envelope === null) return;
        const { event, payload } = envelope as { event?: unknown; payload?: unknown };
        if (typeof event === 'string' && isEventName(event)) listener(event, payload);
      };
      ipc.on(EVENT_CHANNEL, relay);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, relay);
      };
    },
  };
}
