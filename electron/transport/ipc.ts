/**
 * The Electron transport: the contract over one invoke channel and one event
 * channel, for the admin window only. Every call is checked to come from that
 * window's own top frame showing the app's own origin (Electron security
 * checklist: validate the sender of every IPC message), so a subframe or a
 * page navigated elsewhere gets nothing.
 */
import type { EventEmitter } from 'node:events';
import { ipcMain, type BrowserWindow, type WebFrameMain } from 'electron';
import { APP_ORIGIN } from '../app-protocol.js';
import type { CallResult, EventEnvelope } from '../api/contract.js';
import { unknownMethod, type Dispatch } from '../api/dispatcher.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../api/ipc-channels.js';

export interface IpcTransportOptions {
  dispatch: Dispatch;
  events: EventEmitter<{ event: [EventEnvelope] }>;
  window: BrowserWindow;
}

export function registerIpcTransport({ dispatch, events, window }: IpcTransportOptions): () => void {
  const isAppFrame = (frame: WebFrameMain | null): boolean =>
    frame !== null && frame === window.webContents.mainFrame && frame.url.startsWith(`${APP_ORIGIN}/`);

  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown): Promise<CallResult> => {
    if (!isAppFrame(event.senderFrame)) {
      // Rejecting (not answering) tells an intruder nothing about the API.
      throw new Error('Relay Desk refused an IPC call from an untrusted frame.');
    }
    if (typeof method !== 'string') return Promise.resolve({ ok: false, error: unknownMethod(method) });
    return dispatch(method, input);
  });

  const forward = (envelope: EventEnvelope) => {
    if (!window.isDestroyed() && isAppFrame(window.webContents.mainFrame)) {
      window.webContents.send(EVENT_CHANNEL, envelope);
    }
  };
  events.on('event', forward);

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    events.off('event', forward);
  };
}
