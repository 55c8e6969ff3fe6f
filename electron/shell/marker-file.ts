/** Something said once ever, remembered by an empty file (in the data folder, private to the user like the rest of it). */
import { access, writeFile } from 'node:fs/promises';
import type { Remembered } from './notifications.js';

export function markerFile(path: string): Remembered {
  return {
    done: () =>
      access(path).then(
        () => true,
        () => false,
      ),
    remember: () => writeFile(path, '', { mode: 0o600 }),
  };
}
