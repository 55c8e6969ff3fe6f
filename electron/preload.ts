/**
 * The preload of the admin window. Sandboxed preloads cannot load local
 * modules, so Vite bundles this file (with the contract) into
 * dist/electron/preload.cjs; see vite.preload.config.ts.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadBridge } from './preload-bridge.js';

contextBridge.exposeInMainWorld('relayDesk', createPreloadBridge(ipcRenderer));
