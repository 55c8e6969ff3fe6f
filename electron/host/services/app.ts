/**
 * Start at login, a setting of the desktop app: the shell hands the host its
 * login item (electron/shell/login-item.ts); `relay-desk serve` has none and
 * says where starting at boot lives instead.
 */
import { ApiError, type ApiImplementation } from '../../api/contract.js';
import type { LoginItemView } from '../../api/schemas/app.js';

/** The operating system's start-at-login entry for this app. */
export interface LoginItem {
  /** Where the operating system keeps it, in words the admin can look for. */
  readonly where: string;
  get(): Promise<boolean>;
  set(enabled: boolean): Promise<void>;
}

export const LOGIN_ITEM_NOT_HERE =
  'Start at login is a setting of the Relay Desk desktop app. This host runs as `relay-desk serve`; ' +
  'to start it at boot on a Linux server, install it as a systemd service with `relay-desk service install`.';

export function appService(loginItem: LoginItem | undefined, changed: (view: LoginItemView) => void): Pick<ApiImplementation, 'app.loginItem' | 'app.setLoginItem'> {
  const item = () => {
    if (!loginItem) throw new ApiError('not_supported', LOGIN_ITEM_NOT_HERE);
    return loginItem;
  };
  const view = async (login: LoginItem): Promise<LoginItemView> => ({ enabled: await login.get(), where: login.where });
  return {
    'app.loginItem': async () => view(item()),
    'app.setLoginItem': async ({ enabled }) => {
      const login = item();
      await login.set(enabled);
      // Read back: the system may not have taken it (macOS can wait for the user's approval).
      const now = await view(login);
      changed(now);
      return now;
    },
  };
}
