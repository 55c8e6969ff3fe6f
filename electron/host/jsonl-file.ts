/**
 * Files of one JSON record per line that grow by appending: a change costs
 * one short write and an fsync instead of rewriting everything (the users
 * file and the vault hold 10,000 users). A file is written whole only
 * atomically (temporary file, fsync, rename), so its first line is never
 * cut short; a crash while appending can leave only the last line without
 * its newline, and that change was never confirmed to anyone.
 */
import { open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../../relay/shared/errors.js';

export interface Lines {
  /** Complete lines, without their newlines. */
  lines: string[];
  /** The unterminated last line a crash left behind, or null. */
  torn: string | null;
  /** The complete lines as they are in the file, newlines included. */
  good: string;
}

/** The file's lines, or null when it does not exist. */
export async function readLines(path: string): Promise<Lines | null> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return null;
  const end = text.lastIndexOf('\n') + 1;
  const lines = end === 0 ? [] : text.slice(0, end - 1).split('\n');
  return { lines, torn: end === text.length ? null : text.slice(end), good: text.slice(0, end) };
}

/** Replaces the file with `text` so that a crash leaves either the old or the new one. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  // The rename itself is durable only once the folder is.
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Appends to a file whose confirmed length it tracks; see appendToAll. */
export class Appender {
  /** Set when a failed append could not be cut off: appending more would corrupt the file. */
  private broken: Error | null = null;

  constructor(
    readonly path: string,
    private bytes: number,
  ) {}

  async write(text: string): Promise<void> {
    if (this.broken) throw this.broken;
    const handle = await open(this.path, 'a', 0o600);
    try {
      await handle.write(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Back to the confirmed length, so that the next append never lands after half a line. */
  async cutBack(): Promise<void> {
    await truncate(this.path, this.bytes).catch(() => {
      this.broken = new Error(`${this.path} could not be repaired after a failed write; restart Relay Desk before changing anything else.`);
    });
  }

  confirm(text: string): void {
    this.bytes += Buffer.byteLength(text);
  }
}

/** Appends `text` to every file, durably, or to none of them. */
export async function appendToAll(appenders: Appender[], text: string): Promise<void> {
  const results = await Promise.allSettled(appenders.map((a) => a.write(text)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(appenders.map((a) => a.cutBack()));
    throw failed.reason;
  }
  for (const a of appenders) a.confirm(text);
}
