/**
 * Secrets at the scale of thousands of users. The OS keychain is slow to
 * write (gnome-keyring re-encrypts its whole file: about 58 ms per entry,
 * measured here with 2,000 entries), so it holds one randomly generated key
 * per installation and this vault, encrypted with that key (AES-256-GCM),
 * holds the password verifiers, upstream password and private keys. The vault
 * file is useless without the keychain entry; it is separate from the
 * settings file, which holds no secret at all.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretStore } from './secrets.js';

export const VAULT_FILE = 'secrets.vault';
const VAULT_KEY = 'vault-key';

const VaultFileSchema = z.object({
  v: z.literal(1),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});

export class VaultError extends Error {}

export class Vault {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly key: Buffer,
    private readonly entries: Map<string, string>,
  ) {}

  static async open(dir: string, keychain: SecretStore): Promise<Vault> {
    const path = join(dir, VAULT_FILE);
    const stored = await keychain.get(VAULT_KEY);
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    });
    if (text === null) {
      // A vault key without a vault file is fine (nothing stored yet); the reverse is not.
      const key = stored ? Buffer.from(stored, 'base64') : randomBytes(32);
      if (!stored) await keychain.set(VAULT_KEY, key.toString('base64'));
      return new Vault(path, key, new Map());
    }
    if (!stored) {
      throw new VaultError(
        `The secrets file ${path} exists but this user's keychain has no key for it (the data folder may come from another user or computer). ` +
          'Passwords and keys cannot be read; move the file away to start with new ones.',
      );
    }
    const key = Buffer.from(stored, 'base64');
    return new Vault(path, key, decrypt(text, key, path));
  }

  get(name: string): string | null {
    return this.entries.get(name) ?? null;
  }

  /** Entries whose names start with `prefix`. */
  list(prefix: string): [string, string][] {
    return [...this.entries].filter(([name]) => name.startsWith(prefix));
  }

  /** Applies changes and writes the vault once; changes run one at a time. */
  change(apply: (entries: { set(name: string, value: string): void; delete(name: string): void }) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const next = new Map(this.entries);
      apply({ set: (n, v) => next.set(n, v), delete: (n) => next.delete(n) });
      await this.write(next);
      this.entries.clear();
      for (const [n, v] of next) this.entries.set(n, v);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(entries: Map<string, string>): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(entries)), 'utf8'), cipher.final()]);
    const text = JSON.stringify({ v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') });
    const tmp = `${this.path}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.path);
  }
}

function decrypt(text: string, key: Buffer, path: string): Map<string, string> {
  try {
    const file = VaultFileSchema.parse(JSON.parse(text));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(file.data, 'base64')), decipher.final()]).toString('utf8');
    return new Map(Object.entries(z.record(z.string(), z.string()).parse(JSON.parse(plain))));
  } catch {
    throw new VaultError(`The secrets file ${path} is damaged or was not made with this keychain's key; passwords and keys cannot be read. Move it away to start with new ones.`);
  }
}
