/**
 * The only two Electron IPC channels, shared by the main process and the
 * preload. Kept free of zod and Electron so the preload bundle stays small
 * and tests can import it anywhere.
 */

/** Renderer → main: every contract call, as (method name, input). */
export const CALL_CHANNEL = 'relay-desk:call';

/** Main → renderer: every contract event, as one EventEnvelope. */
export const EVENT_CHANNEL = 'relay-desk:event';
