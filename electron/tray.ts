/**
 * The tray icon (the menu bar on macOS), wired to Electron: shell/tray-state.ts
 * says what it shows, kept current by the host's events; its menu acts through
 * the host's API, as the window does, so the window sees every change too.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Menu, nativeImage, Tray } from 'electron';
import type { MethodInput, MethodName } from './api/contract.js';
import type { Host } from './host/host.js';
import { onHostEvent } from './shell/host-events.js';
import { trayIcon, trayIconFile, trayMenu, trayMenuTemplate, trayTooltip, type TrayAction, type TrayInput } from './shell/tray-state.js';

const TRAY_ASSETS = fileURLToPath(new URL('../../assets/tray/', import.meta.url));

export interface TrayActions {
  open(): void;
  quit(): void;
}

export async function createTray(host: Host, actions: TrayActions): Promise<Tray> {
  const input: TrayInput = { relay: await host.api['relay.status']({}), queue: null, loginItem: null };
  const call = <M extends MethodName>(method: M, value: MethodInput<M>) =>
    void (host.api[method] as (input: MethodInput<M>) => Promise<unknown>)(value).catch((err: unknown) => {
      host.logs.host.error(`the tray's ${method} failed:`, err);
      // A checkbox Electron already ticked goes back to what is true.
      render(true);
    });
  const act = (action: TrayAction, checked: boolean) => {
    if (action === 'open') actions.open();
    else if (action === 'quit') actions.quit();
    else if (action === 'pause') call('queue.pause', {});
    else if (action === 'resume') call('queue.resume', {});
    else call('app.setLoginItem', { enabled: checked });
  };

  const iconPath = () => join(TRAY_ASSETS, trayIconFile(trayIcon(input), process.platform));
  const tray = new Tray(nativeImage.createFromPath(iconPath()));
  const shown = { icon: '', tooltip: '', menu: '' };
  // Electron is told only what changed: a menu rebuilt on every queue count would flicker on some desktops.
  function render(force = false) {
    const icon = iconPath();
    if (icon !== shown.icon) tray.setImage(nativeImage.createFromPath((shown.icon = icon)));
    const tooltip = trayTooltip(input);
    if (tooltip !== shown.tooltip) tray.setToolTip((shown.tooltip = tooltip));
    const items = trayMenu(input);
    const menu = JSON.stringify(items);
    if (force || menu !== shown.menu) tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(items, act)));
    shown.menu = menu;
  }

  const update = (change: Partial<TrayInput>) => {
    Object.assign(input, change);
    render();
  };
  onHostEvent(host.events, 'relay.state', (relay) => update({ relay }));
  onHostEvent(host.events, 'queue.state', (queue) => update({ queue }));
  onHostEvent(host.events, 'app.loginItem', (view) => update({ loginItem: view.enabled }));
  // Windows opens the window on a click; elsewhere a click opens the menu.
  if (process.platform === 'win32') tray.on('click', () => actions.open());
  render();
  // Subscribed first, so an event that came while these were read is newer than what they say.
  const [queue, loginItem] = await Promise.all([
    host.api['queue.status']({}),
    host.api['app.loginItem']({}).then(
      (view) => view.enabled,
      (err: unknown) => {
        host.logs.host.error('whether Relay Desk starts at login could not be read:', err);
        return null;
      },
    ),
  ]);
  update({ queue: input.queue ?? queue, loginItem: input.loginItem ?? loginItem });
  return tray;
}
