/** Settings of the desktop app itself, which the headless host answers with not_supported. */
import { z } from 'zod';
import { NoInput } from './common.js';

export const LoginItemViewSchema = z.object({
  /** Relay Desk starts, in the tray with no window, when this user logs in. Off until the admin turns it on. */
  enabled: z.boolean(),
  /** Where the operating system keeps that setting, in words the admin can look for. */
  where: z.string(),
});
export type LoginItemView = z.infer<typeof LoginItemViewSchema>;

export const appMethods = {
  'app.loginItem': { input: NoInput, output: LoginItemViewSchema },
  'app.setLoginItem': { input: z.object({ enabled: z.boolean() }).strict(), output: LoginItemViewSchema },
} as const;
