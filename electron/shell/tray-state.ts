/**
 * What the tray icon (the menu bar on macOS) shows: the relay's state at a
 * glance, a tooltip with its ports, queue and problem, and the menu, all
 * computed from the host's relay and queue state. Plain data: main.ts hands
 * it to Electron's Tray and Menu and maps the menu's actions to the host.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RelayState } from '../api/contract.js';
import type { QueueState } from '../api/schemas/queue.js';

export type TrayIcon = 'running' | 'paused' | 'problem';

export interface TrayInput {
  relay: RelayState;
  /** Null until the host has said; the menu then offers neither pause nor resume. */
  queue: QueueState | null;
  /** Whether Relay Desk starts at login; null until known. */
  loginItem: boolean | null;
}

/** Windows cuts a tray tooltip at 127 characters. */
export const TOOLTIP_MAX = 127;

export function trayIcon({ relay, queue }: TrayInput): TrayIcon {
  if (hasProblem(relay)) return 'problem';
  return queue?.paused ? 'paused' : 'running';
}

function hasProblem(relay: RelayState): boolean {
  return relay.status === 'restarting' || relay.status === 'stopped' || relay.problem !== undefined || relay.listeners.some((l) => l.status === 'error');
}

/**
 * The file in assets/tray/ for an icon on this platform: macOS wants a
 * template image (black and clear, tinted by the system for light and dark
 * menu bars), Windows an ICO with every size, Linux a PNG. Electron picks the
 * @2x sibling of a PNG on high-density screens by itself.
 */
export function trayIconFile(icon: TrayIcon, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `${icon}Template.png`;
  if (platform === 'win32') return `${icon}.ico`;
  return `${icon}.png`;
}

const STATUS_WORDS: Record<RelayState['status'], string> = {
  starting: 'starting',
  running: 'relaying',
  restarting: 'restarting the relay',
  stopping: 'stopping',
  stopped: 'the relay is stopped',
};

/** A few short lines, most important first, so a cut at TOOLTIP_MAX loses the least. */
export function trayTooltip({ relay, queue }: TrayInput): string {
  const status = relay.status === 'running' && queue?.paused ? 'delivery paused' : STATUS_WORDS[relay.status];
  const lines = [`Relay Desk: ${status}`];
  const listening = relay.listeners.filter((l) => l.status === 'listening').map((l) => l.port);
  const failed = relay.listeners.filter((l) => l.status === 'error').map((l) => l.port);
  if (listening.length > 0) lines.push(`SMTP on ${listening.length === 1 ? 'port' : 'ports'} ${listening.join(', ')}`);
  if (failed.length > 0) lines.push(`${failed.length === 1 ? 'Port' : 'Ports'} ${failed.join(', ')} could not be opened`);
  const queued = queue?.queued ?? relay.queued;
  lines.push(queued === 0 ? 'Nothing queued' : `${queued} ${queued === 1 ? 'message' : 'messages'} queued`);
  if (relay.problem) lines.push(relay.problem);
  const text = lines.join('\n');
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

export type TrayAction = 'open' | 'pause' | 'resume' | 'login-item' | 'quit';

export type TrayMenuItem =
  | { type: 'normal'; action: Exclude<TrayAction, 'login-item'>; label: string }
  | { type: 'checkbox'; action: 'login-item'; label: string; checked: boolean }
  | { type: 'separator' };

export function trayMenu({ queue, loginItem }: TrayInput): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ type: 'normal', action: 'open', label: 'Open Relay Desk' }, { type: 'separator' }];
  if (queue) {
    items.push(queue.paused ? { type: 'normal', action: 'resume', label: 'Resume delivery' } : { type: 'normal', action: 'pause', label: 'Pause delivery' });
  }
  if (loginItem !== null) items.push({ type: 'checkbox', action: 'login-item', label: 'Start at login', checked: loginItem });
  items.push({ type: 'separator' }, { type: 'normal', action: 'quit', label: 'Quit Relay Desk' });
  return items;
}

/**
 * Electron's menu template for the model. A checkbox is already toggled
 * when its click arrives, so the handler gets the state the admin chose.
 */
export function trayMenuTemplate(items: TrayMenuItem[], act: (action: TrayAction, checked: boolean) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const click = (menuItem: { checked: boolean }) => act(item.action, menuItem.checked);
    return item.type === 'checkbox'
      ? { type: 'checkbox', label: item.label, checked: item.checked, click }
      : { type: 'normal', label: item.label, click };
  });
}
