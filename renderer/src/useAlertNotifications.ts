import { useEffect } from 'react';
import type { ApiClient } from '#api/client.js';

/**
 * The desktop channel in the web admin: each 'alert.raised' shown with the
 * browser's Notification API, once the admin allowed it (asked only when
 * they turn desktop notifications on, ./screens/alerts/). The desktop app
 * shows them itself with Electron's Notification, so its window does not.
 */
export function useAlertNotifications(client: ApiClient): void {
  useEffect(() => {
    if (window.relayDesk || typeof Notification === 'undefined') return undefined;
    return client.on('alert.raised', (alert) => {
      if (Notification.permission === 'granted') new Notification(`Relay Desk: ${alert.title}`, { body: alert.body, tag: `${alert.kind}:${alert.title}` });
    });
  }, [client]);
}
