/**
 * Delivered message files kept for the next messages. Creating a file costs
 * the file system far more than rewriting one (on the ext4 machines measured,
 * ~150-250 µs of CPU against ~20), and emptying one is not free either: ext4
 * waits for its journal to free the blocks (a tenth of the relay's time in W1
 * when every file was emptied). So a delivered message's file is renamed to
 * <id>.spare and the next message overwrites it in place (see writeDurably),
 * only its size remembered; a large one is emptied, or 512 of them would hold
 * gigabytes of disk.
 *
 * Overwriting in place is safe only once the rename to .spare is on disk: a
 * power cut before that could bring back the old .msg name with the new bytes
 * mixed into the old message. A spare whose rename no directory sync has
 * covered yet is not handed out; the message gets a new file instead.
 * Emptying such a spare first would be safe too, but open() with O_TRUNC
 * waits for ext4's journal right on the event loop: 0.25-0.5 ms per message,
 * paid by a fifth of W2's messages, which stalled every session at once.
 * Each new file joins the circulation, so the pool grows until its oldest
 * spare has always been synced by the time it is needed.
 */
import { renameSync, truncateSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import type { DirSync } from './dir-sync.js';
import { HOLD_LIMIT, type Spare } from './spool-writer.js';
import { errnoCode } from '../shared/errors.js';

/** More than the messages usually in flight at once. */
const MAX_SPARES = 512;
/** A spare larger than this is emptied rather than kept whole: 512 of them hold at most 128 MB of disk. */
const MAX_SPARE_BYTES = HOLD_LIMIT;

export class SparePool {
  /** Oldest first, each with the directory-sync mark of its rename (-1: known to be on disk). */
  private readonly spares: { spare: Spare; mark: number }[] = [];
  /** Spares found at start, their bytes unknown until emptyFound() has emptied them. */
  private readonly found: string[] = [];

  constructor(private readonly dirSync: DirSync) {}

  get full(): boolean {
    return this.spares.length + this.found.length >= MAX_SPARES;
  }

  /** A spare whose name is on disk already (found at start); usable once emptyFound() has run. */
  addFound(path: string): void {
    this.found.push(path);
  }

  /**
   * Empties the spares found at start, all at once in the thread pool:
   * emptied when a message needed one, each made open() wait for ext4's
   * journal on the event loop (0.25-0.5 ms).
   */
  async emptyFound(): Promise<void> {
    const found = this.found.splice(0);
    // A spare is only a convenience: one that cannot be emptied is left out.
    const emptied = await Promise.all(found.map((path) => truncate(path, 0).then(() => true, () => false)));
    found.forEach((path, i) => {
      if (emptied[i]) this.spares.push({ spare: { kind: 'spare', path, size: 0 }, mark: -1 });
    });
  }

  /** A spare taken and not written to, first in line again. */
  giveBack(spare: Spare): void {
    this.spares.unshift({ spare, mark: -1 });
  }

  /**
   * Turns a delivered message's file into a spare, in place: a rename is a
   * metadata change that waits for no disk, while the thread pool's round
   * trips cost event-loop turns. `size` is the file's length, null if unknown.
   */
  recycle(messagePath: string, sparePath: string, size: number | null): void {
    try {
      renameSync(messagePath, sparePath);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return;
      throw err;
    }
    const keep = size !== null && size <= MAX_SPARE_BYTES;
    if (!keep) truncateSync(sparePath, 0);
    this.spares.push({ spare: { kind: 'spare', path: sparePath, size: keep ? size : 0 }, mark: this.dirSync.mark() });
  }

  /** The oldest spare, if its rename is on disk (spares are renamed in order, so the others are not either). */
  take(): Spare | undefined {
    const next = this.spares[0];
    if (!next || !this.dirSync.durable(next.mark)) return undefined;
    this.spares.shift();
    return next.spare;
  }
}
