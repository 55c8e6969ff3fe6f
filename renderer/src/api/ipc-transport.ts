/** The object the Electron preload exposes, as the page sees it (see electron/preload.ts). */
import type { PreloadBridge } from '#api/transports.js';

declare global {
  interface Window {
    relayDesk?: PreloadBridge;
  }
}
