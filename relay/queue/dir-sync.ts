/**
 * fsync of the spool directory, shared: a rename is durable only once its
 * directory is synced, and when many messages commit at once one sync can
 * cover all of them. Callers that arrive while a sync runs wait for the next
 * one (theirs may have been renamed after the running sync started).
 */
import { open, type FileHandle } from 'node:fs/promises';

export class DirSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** Kept open: an open and a close per sync would add two thread-pool round trips to every accepted message. */
  private handle: Promise<FileHandle> | null = null;
  private started = 0;
  /** The number of the last sync that completed; syncs run one at a time, so in order. */
  private completed = 0;

  constructor(private readonly dir: string) {}

  /** Names a change made to the directory now; see durable(). */
  mark(): number {
    return this.started;
  }

  /** True once a sync that started after the marked change has completed. */
  durable(mark: number): boolean {
    return this.completed > mark;
  }

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.syncOnce().finally(() => (this.running = null));
      return this.running;
    }
    // The next run starts whether or not the running one failed.
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = null;
      return this.sync();
    });
    return this.next;
  }

  private async syncOnce(): Promise<void> {
    const number = ++this.started;
    this.handle ??= open(this.dir, 'r');
    try {
      await (await this.handle).sync();
      this.completed = number;
    } catch (err) {
      // The next sync opens the directory afresh (it may have been replaced).
      const failed = this.handle;
      this.handle = null;
      void failed.then((h) => h.close()).catch(() => undefined);
      throw err;
    }
  }
}
