/**
 * When the admin window exists and when the app ends. The host (and its
 * relay) runs from start to Quit; the window comes and goes: closing it
 * leaves the relay running in the tray. A window is made in one place only,
 * once the host is ready, however often it is asked for before (the tray, a
 * second launch, macOS's dock icon while starting). Quit stops the host and
 * waits for it before the app exits.
 */

/** The part of a BrowserWindow the lifecycle uses. */
export interface ShellWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  once(event: 'closed', listener: () => void): unknown;
}

export interface LifecycleOptions<H> {
  /** Start with no window (--hidden, or opened at login). */
  hidden: boolean;
  /** Makes and starts the host; a host that failed to start has cleaned up after itself. */
  startHost(): Promise<H>;
  stopHost(host: H): Promise<void>;
  createWindow(host: H): ShellWindow;
  /** The window was closed and the app keeps running in the tray. */
  closedToTray(): void;
  /** Asks the app to quit again, now that the host has stopped (app.quit()). */
  quit(): void;
  /** The host did not start; the app should say so and quit. */
  failed(err: unknown): void;
  /** The host did not stop cleanly; the app quits all the same. */
  stopFailed(err: unknown): void;
}

type Phase = 'waiting' | 'starting' | 'running' | 'stopping' | 'stopped';

export class AppLifecycle<H> {
  private phase: Phase = 'waiting';
  private host: H | null = null;
  private window: ShellWindow | null = null;
  private windowWanted: boolean;
  private started: Promise<void> = Promise.resolve();

  constructor(private readonly options: LifecycleOptions<H>) {
    this.windowWanted = !options.hidden;
  }

  get state(): Phase {
    return this.phase;
  }

  /** Once Electron is ready. */
  start(): Promise<void> {
    if (this.phase !== 'waiting') return this.started;
    this.phase = 'starting';
    this.started = this.options.startHost().then(
      (host) => {
        this.host = host;
        // Quit was asked for while starting: beforeQuit stops this host.
        if (this.phase !== 'starting') return;
        this.phase = 'running';
        if (this.windowWanted) this.openWindow();
      },
      (err: unknown) => {
        this.phase = 'stopped';
        this.options.failed(err);
      },
    );
    return this.started;
  }

  /** The tray's "Open", a second launch, macOS's dock icon: the window, made or brought to the front. */
  showWindow(): void {
    if (this.window) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return;
    }
    if (this.phase === 'waiting' || this.phase === 'starting') this.windowWanted = true;
    else if (this.phase === 'running') this.openWindow();
  }

  private openWindow(): void {
    const host = this.host;
    if (this.window || this.phase !== 'running' || host === null) return;
    const window = this.options.createWindow(host);
    this.window = window;
    window.once('closed', () => {
      this.window = null;
      if (this.phase === 'running') this.options.closedToTray();
    });
  }

  /**
   * app's 'before-quit': held back until the host has stopped, then let
   * through (quit() asks again). Asked again while stopping, it waits for the
   * same stop.
   */
  beforeQuit(event: { preventDefault(): void }): void {
    if (this.phase === 'stopped') return;
    event.preventDefault();
    if (this.phase === 'stopping') return;
    this.phase = 'stopping';
    void this.started
      .then(() => (this.host === null ? undefined : this.options.stopHost(this.host)))
      .catch((err: unknown) => this.options.stopFailed(err))
      .finally(() => {
        this.phase = 'stopped';
        this.options.quit();
      });
  }
}
