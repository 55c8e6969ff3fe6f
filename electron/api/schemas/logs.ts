/** Where the host and relay write their logs, and opening that folder where the app can. */
import { z } from 'zod';
import { NoInput } from './common.js';

export const LogsViewSchema = z.object({
  /** The logs folder: host.log and relay.log, with their .old.log predecessors. */
  folder: z.string(),
  /** Whether logs.open can show it (the desktop app); in a browser the path is all there is. */
  canOpen: z.boolean(),
});
export type LogsView = z.infer<typeof LogsViewSchema>;

export const logsMethods = {
  'logs.location': { input: NoInput, output: LogsViewSchema },
  /** Opens the logs folder in the system's file manager (desktop app only). */
  'logs.open': { input: NoInput, output: LogsViewSchema },
} as const;
