/**
 * Secrets at the scale of thousands of users. The OS keychain is slow to
 * write (gnome-keyring re-encrypts its whole file: about 58 ms per entry,
 * measured here with 2,000 entries), so it holds one randomly generated key
 * per installation and this vault, encrypted with that key (AES-256-GCM),
 * holds the password verifiers, upstream password and private keys. The vault
 * file is useless without that key (in the keychain, or in a key file on a
 * machine without one: ./secret-storage.ts); it is separate from the
 * settings file, which holds no secret at all.
 *
 * Re-encrypting 10,000 verifiers for each change took about 30 ms, so the
 * file is a log (../jsonl-file.ts): a first line with every entry (v 1; a
 * vault written before the log has only that line), then one line per change
 * (v 2), each encrypted on its own. It is written whole again at start once
 * it has grown.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { appendToAll, Appender, readLines, writeWhole, type Lines } from './jsonl-file.js';
import type { SecretStore } from './secrets.js';
import type { VaultName } from './vault-names.js';

export const VAULT_FILE = 'secrets.vault';
export const VAULT_KEY = 'vault-key';
/** AES-256: a key of any other length was not made by Relay Desk. */
const KEY_BYTES = 32;
/** Changes after which the vault is written whole again at start. */
const COMPACT_AFTER = 1_000;

const LineSchema = z.object({
  v: z.union([z.literal(1), z.literal(2)]),
  iv: z.string(),
  tag: z.string(),
  data: z.string(),
});
const EntriesSchema = z.record(z.string(), z.string());
const ChangeSchema = z.object({ set: EntriesSchema, delete: z.array(z.string()) });

export class VaultError extends Error {
  readonly code = 'vault_unreadable';
}

export class Vault {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private readonly key: Buffer,
    private readonly entries: Map<string, string>,
    /** Null until the file has been written whole. */
    private appender: Appender | null,
  ) {}

  static async open(dir: string, secrets: SecretStore): Promise<Vault> {
    const path = join(dir, VAULT_FILE);
    const stored = await secrets.get(VAULT_KEY);
    const contents = await readLines(path);
    if (contents === null) {
      // A vault key without a vault file is fine (nothing stored yet); the reverse is not.
      const key = stored ? vaultKey(stored, secrets) : randomBytes(KEY_BYTES);
      if (!stored) await secrets.set(VAULT_KEY, key.toString('base64'));
      return new Vault(path, key, new Map(), null);
    }
    const key = keyFor(path, stored, secrets);
    // A vault from before the log is one line without a newline; a log's first line is always whole.
    const legacy = contents.lines.length === 0 && contents.torn !== null;
    const lines = legacy ? [contents.torn ?? ''] : contents.lines;
    const vault = new Vault(path, key, decrypt(lines, key, path, secrets), new Appender(path, Buffer.byteLength(contents.good)));
    // A torn last line is a change that a crash cut short, never confirmed: it goes when the file is rewritten.
    if (legacy || contents.torn !== null || lines.length > COMPACT_AFTER) await vault.writeWhole(vault.entries);
    return vault;
  }

  get(name: VaultName): string | null {
    return this.entries.get(name) ?? null;
  }

  /** Applies changes and stores them as one durable line; changes run one at a time. */
  change(apply: (entries: { set(name: VaultName, value: string): void; delete(name: VaultName): void }) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const set = new Map<string, string>();
      const deleted = new Set<string>();
      apply({
        set: (n, v) => {
          set.set(n, v);
          deleted.delete(n);
        },
        delete: (n) => {
          deleted.add(n);
          set.delete(n);
        },
      });
      if (set.size === 0 && deleted.size === 0) return;
      const applyTo = (entries: Map<string, string>) => {
        for (const [n, v] of set) entries.set(n, v);
        for (const n of deleted) entries.delete(n);
        return entries;
      };
      if (this.appender) await appendToAll([this.appender], this.line(2, { set: Object.fromEntries(set), delete: [...deleted] }));
      else await this.writeWhole(applyTo(new Map(this.entries)));
      applyTo(this.entries);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeWhole(entries: Map<string, string>): Promise<void> {
    const text = this.line(1, Object.fromEntries(entries));
    await writeWhole(this.path, text);
    this.appender = new Appender(this.path, Buffer.byteLength(text));
  }

  private line(v: 1 | 2, payload: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return `${JSON.stringify({ v, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') })}\n`;
  }
}

/**
 * Checks, without writing anything, that `stored` is the key of the vault in
 * `dir` (every line decrypts), as a move of the key to another store must
 * before it deletes the old copy. No vault yet: any key will do.
 */
export async function checkVaultKey(dir: string, stored: string | null, secrets: SecretStore): Promise<void> {
  const path = join(dir, VAULT_FILE);
  const contents = await readLines(path);
  if (contents === null) return;
  const lines = contents.lines.length === 0 && contents.torn !== null ? [contents.torn] : contents.lines;
  decrypt(lines, keyFor(path, stored, secrets), path, secrets);
}

function keyFor(path: string, stored: string | null, secrets: SecretStore): Buffer {
  if (!stored) {
    throw new VaultError(
      `The secrets file ${path} exists but ${secrets.where} has no key for it (the data folder may come from another user or computer). ` +
        'Passwords and keys cannot be read; move the file away to start with new ones.',
    );
  }
  return vaultKey(stored, secrets);
}

function vaultKey(stored: string, secrets: SecretStore): Buffer {
  const key = Buffer.from(stored, 'base64');
  if (key.length !== KEY_BYTES) throw new VaultError(`The vault key in ${secrets.where} is not a key Relay Desk made (${key.length} bytes instead of ${KEY_BYTES}).`);
  return key;
}

function decrypt(lines: Lines['lines'], key: Buffer, path: string, secrets: SecretStore): Map<string, string> {
  const entries = new Map<string, string>();
  try {
    if (lines.length === 0) throw new Error('an empty vault file is a damaged one');
    lines.forEach((text, i) => {
      const line = LineSchema.parse(JSON.parse(text));
      if ((line.v === 1) !== (i === 0)) throw new Error('a vault starts with all its entries, then has changes');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(line.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(line.tag, 'base64'));
      const plain = JSON.parse(Buffer.concat([decipher.update(Buffer.from(line.data, 'base64')), decipher.final()]).toString('utf8')) as unknown;
      const change = line.v === 1 ? { set: EntriesSchema.parse(plain), delete: [] } : ChangeSchema.parse(plain);
      for (const [n, v] of Object.entries(change.set)) entries.set(n, v);
      for (const n of change.delete) entries.delete(n);
    });
  } catch {
    throw new VaultError(`The secrets file ${path} is damaged or was not made with the key in ${secrets.where}; passwords and keys cannot be read. Move it away to start with new ones.`);
  }
  return entries;
}
