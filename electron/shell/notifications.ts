/**
 * The desktop notifications, from one place: the relay crashed and was
 * restarted, a port could not be opened, and (once) that closing the window
 * left Relay Desk running in the tray. Each kind is said at most once per
 * quiet period, so a relay in a crash loop does not bury the desktop: the
 * restarts that fell in a period are summed up in one notice at its end.
 */
import type { RelayState } from '../api/contract.js';

export interface Notice {
  title: string;
  body: string;
}

/** Something said once ever, remembered across starts. */
export interface Remembered {
  done(): Promise<boolean>;
  remember(): Promise<void>;
}

export interface NotifierOptions {
  show(notice: Notice): void;
  platform: NodeJS.Platform;
  /** The relay's log file, where the details of a crash are. */
  relayLog: string;
  closedToTrayNotice: Remembered;
  quietMs?: number;
}

export const QUIET_MS = 5 * 60_000;

export class DesktopNotifier {
  private readonly quietMs: number;
  /** Why the relay went down, between 'restarting' and 'running' again. */
  private crash: string | null = null;
  private portsInError = new Set<number>();
  /** Per kind of notice: when it was last shown, and how many were held back since. */
  private readonly said = new Map<string, { at: number; held: number; timer: NodeJS.Timeout | null }>();

  constructor(private readonly options: NotifierOptions) {
    this.quietMs = options.quietMs ?? QUIET_MS;
  }

  relayState(state: RelayState): void {
    this.watchRestarts(state);
    this.watchPorts(state);
  }

  private watchRestarts(state: RelayState): void {
    if (state.status === 'restarting') this.crash ??= state.problem ?? 'The relay process stopped.';
    else if (state.status === 'stopping' || state.status === 'stopped') this.crash = null;
    else if (state.status === 'running' && this.crash !== null) {
      this.crash = null;
      this.offer(
        'restart',
        {
          title: 'The relay stopped and was restarted',
          body: `Relay Desk's SMTP relay stopped unexpectedly and is running again. What happened is in ${this.options.relayLog}.`,
        },
        (held) => ({
          title: 'The relay keeps stopping',
          body: `Relay Desk restarted its SMTP relay ${held} more ${held === 1 ? 'time' : 'times'} in the last ${minutes(this.quietMs)}. What happened is in ${this.options.relayLog}.`,
        }),
      );
    }
  }

  private watchPorts(state: RelayState): void {
    const failed = state.listeners.filter((l) => l.status === 'error');
    // A port is news when it fails now and did not in the last state (a restarted relay reports its ports afresh).
    const news = failed.filter((l) => !this.portsInError.has(l.port) && this.mayShow(`port ${l.port}`));
    if (state.status === 'running') this.portsInError = new Set(failed.map((l) => l.port));
    if (news.length === 0) return;
    for (const l of news) this.shown(`port ${l.port}`);
    const ports = news.map((l) => l.port);
    this.options.show({
      title: `Relay Desk could not open ${ports.length === 1 ? 'port' : 'ports'} ${joinWords(ports.map(String))}`,
      body: news.map((l) => `Port ${l.port}: ${l.error ?? 'no reason given'}.`).join('\n'),
    });
  }

  /** The first time the window is closed: the relay did not stop with it. */
  async closedToTray(): Promise<void> {
    const remembered = this.options.closedToTrayNotice;
    if (await remembered.done()) return;
    const where = this.options.platform === 'darwin' ? 'menu bar' : 'tray';
    this.options.show({
      title: 'Relay Desk is still running',
      body: `The SMTP relay keeps accepting and delivering mail. Open Relay Desk again or quit it from its icon in the ${where}.`,
    });
    await remembered.remember();
  }

  /** Stops the timers of pending summaries (the app is quitting). */
  dispose(): void {
    for (const entry of this.said.values()) if (entry.timer) clearTimeout(entry.timer);
    this.said.clear();
  }

  private mayShow(kind: string): boolean {
    const entry = this.said.get(kind);
    return entry === undefined || Date.now() - entry.at >= this.quietMs;
  }

  private shown(kind: string): void {
    const entry = this.said.get(kind);
    if (entry?.timer) clearTimeout(entry.timer);
    this.said.set(kind, { at: Date.now(), held: 0, timer: null });
  }

  /** Shows the notice, or holds it back within the quiet period; what was held back is summed up when the period ends. */
  private offer(kind: string, notice: Notice, summary: (held: number) => Notice): void {
    const entry = this.said.get(kind);
    if (entry === undefined || this.mayShow(kind)) {
      this.shown(kind);
      this.options.show(notice);
      return;
    }
    entry.held += 1;
    entry.timer ??= setTimeout(
      () => {
        entry.timer = null;
        this.shown(kind);
        this.options.show(summary(entry.held));
      },
      Math.max(0, entry.at + this.quietMs - Date.now()),
    );
    // A pending summary never keeps the app alive by itself.
    entry.timer.unref();
  }
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m === 1 ? 'minute' : `${m} minutes`;
}

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}
