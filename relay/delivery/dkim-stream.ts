/**
 * DKIM signing that never holds a whole message: nodemailer's signer keeps
 * every byte in memory while it hashes the body (unless given a cache
 * folder, where it would write the message a second time). A spooled message
 * can simply be read twice: once to hash its body, once to send it behind the
 * signature. An RSA signature is nodemailer's own (relaxed/relaxed, sha256),
 * byte for byte what its signer produces; a domain that also has an Ed25519
 * key gets a second signature from it (./dkim-ed25519.ts) over the same hash
 * of the body.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import MessageParser, { type Header } from 'nodemailer/lib/dkim/message-parser';
import sign from 'nodemailer/lib/dkim/sign';
import type { DkimKey } from '../protocol.js';
import { ed25519Signature } from './dkim-ed25519.js';
import { RelaxedBodyHash } from './relaxed-body-hash.js';

const HASH = 'sha256';
const CR = 0x0d;
const LF = 0x0a;

/**
 * Each key parsed from its PEM once: signing with the PEM text parses it on
 * every message, which made an RSA-2048 signature cost ~1 ms instead of
 * ~0.3 ms. Keyed by the configuration's own key object, which a new
 * configuration replaces rather than edits.
 */
const parsedKeys = new WeakMap<DkimKey, KeyObject>();

function privateKeyOf(key: DkimKey): KeyObject {
  let parsed = parsedKeys.get(key);
  if (!parsed) {
    parsed = createPrivateKey(key.privateKey);
    parsedKeys.set(key, parsed);
  }
  return parsed;
}

/**
 * The message behind a DKIM-Signature header per key. A message held in
 * memory is signed at once and stays one buffer, which the client writes in
 * one go (as a stream of two pieces it cost ~0.2 ms more per 10 KB message:
 * the async reads and a socket write per piece); a spooled one streams, read
 * twice (one pass to hash, one to send; `body` is called once per pass).
 */
export function signedBody(body: () => Buffer | Readable, keys: DkimKey[]): Buffer | Readable {
  const first = body();
  if (Buffer.isBuffer(first)) return withSignatures(signaturesOfHeld(first, keys), first);
  return Readable.from(signed(first, body, keys), { objectMode: false });
}

async function* signed(first: Readable, body: () => Buffer | Readable, keys: DkimKey[]): AsyncGenerator<Buffer> {
  const signatures = await signaturesOf(first, keys);
  if (signatures.length > 0) yield signatureLines(signatures);
  const again = body();
  if (Buffer.isBuffer(again)) yield again;
  else for await (const chunk of again) yield chunk as Buffer;
}

function signatureLines(signatures: string[]): Buffer {
  return Buffer.from(signatures.map((s) => `${s}\r\n`).join(''));
}

function withSignatures(signatures: string[], message: Buffer): Buffer {
  return signatures.length > 0 ? Buffer.concat([signatureLines(signatures), message]) : message;
}

/** Reads the message once, keeping only its header block and the running body hash, and signs it with each key (a key that cannot sign is left out). */
export async function signaturesOf(message: Buffer | Readable, keys: DkimKey[]): Promise<string[]> {
  if (Buffer.isBuffer(message)) return signaturesOfHeld(message, keys);
  const reader = new HeadersAndBodyHash();
  for await (const chunk of message) reader.update(chunk as Buffer);
  return signatures(reader, keys);
}

function signaturesOfHeld(message: Buffer, keys: DkimKey[]): string[] {
  const reader = new HeadersAndBodyHash();
  reader.update(message);
  return signatures(reader, keys);
}

function signatures(reader: HeadersAndBodyHash, keys: DkimKey[]): string[] {
  const { headers, bodyHash } = reader.digest();
  return keys.flatMap((key) => {
    const privateKey = privateKeyOf(key);
    const signature =
      privateKey.asymmetricKeyType === 'ed25519'
        ? ed25519Signature(headers, bodyHash, { domain: key.domain, selector: key.selector, key: privateKey })
        : sign(headers, HASH, bodyHash, { domainName: key.domain, keySelector: key.selector, privateKey });
    return signature ? [signature] : [];
  });
}

/**
 * The header block parsed by nodemailer's MessageParser, the body hashed as
 * it comes: the body's chunks go straight to the hash, not through two more
 * streams (which cost as much as the hashing on a 10 KB message).
 */
class HeadersAndBodyHash {
  private readonly split = new HeaderSplit();
  private readonly body = new RelaxedBodyHash();

  update(chunk: Buffer): void {
    const rest = this.split.bodyOf(chunk);
    if (rest && rest.length > 0) this.body.update(rest);
  }

  digest(): { headers: Header[]; bodyHash: string } {
    return { headers: parseHeaders(this.split.headerBlock()), bodyHash: this.body.digest() };
  }
}

/**
 * MessageParser's own parse of a header block, called directly: its
 * parseHeaders reads only rawHeaders, and the block is already cut, so
 * writing it through the parser as a stream (~18 µs a message) bought nothing
 * but the stream (~8 µs this way).
 */
function parseHeaders(block: Buffer): Header[] {
  const parser = new MessageParser();
  parser.rawHeaders = block;
  return parser.parseHeaders();
}

/** Finds where the header block ends (the first empty line, CRLF or bare LF, as MessageParser reads it). */
class HeaderSplit {
  private readonly head: Buffer[] = [];
  private headLength = 0;
  /** The block's last two bytes, for an empty line cut across chunks. */
  private last = Buffer.alloc(0);
  private done = false;

  /** The part of this chunk after the header block; null while the block goes on. */
  bodyOf(chunk: Buffer): Buffer | null {
    if (this.done) return chunk;
    const before = this.last;
    const scan = before.length > 0 ? Buffer.concat([before, chunk]) : chunk;
    for (let i = scan.indexOf(LF, 1); i >= 0; i = scan.indexOf(LF, i + 1)) {
      if (scan[i - 1] === LF || (scan[i - 1] === CR && i >= 2 && scan[i - 2] === LF)) {
        const end = i + 1 - before.length;
        this.push(chunk.subarray(0, end));
        this.done = true;
        return chunk.subarray(end);
      }
    }
    this.push(chunk);
    return null;
  }

  headerBlock(): Buffer {
    return Buffer.concat(this.head, this.headLength);
  }

  private push(part: Buffer): void {
    this.head.push(part);
    this.headLength += part.length;
    this.last = Buffer.concat([this.last, part.subarray(Math.max(0, part.length - 2))]).subarray(-2);
  }
}
