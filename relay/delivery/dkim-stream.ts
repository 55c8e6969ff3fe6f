/**
 * DKIM signing that never holds a whole message: nodemailer's signer keeps
 * every byte in memory while it hashes the body (unless given a cache
 * folder, where it would write the message a second time). A spooled message
 * can simply be read twice: once to hash its body, once to send it behind the
 * signature. The signatures are made before a connection is taken
 * (./dkim-signature.ts, off the event loop): RSA always, and Ed25519 too for
 * a domain that has that key, over the same hash of the body.
 */
import { createPrivateKey } from 'node:crypto';
import { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import MessageParser, { type Header } from 'nodemailer/lib/dkim/message-parser';
import type { DkimKey } from '../protocol.js';
import { dkimSignature, type DkimSigner } from './dkim-signature.js';
import { RelaxedBodyHash } from './relaxed-body-hash.js';

const CR = 0x0d;
const LF = 0x0a;

/**
 * Each key parsed from its PEM once: signing with the PEM text parses it on
 * every message, which made an RSA-2048 signature cost ~1 ms instead of
 * ~0.3 ms. Keyed by the configuration's own key object, which a new
 * configuration replaces rather than edits.
 */
const signers = new WeakMap<DkimKey, DkimSigner>();

function signerOf(key: DkimKey): DkimSigner {
  let signer = signers.get(key);
  if (!signer) {
    const domain = tagValue(key.domain);
    // As nodemailer writes d=: the A-label form, lower case when the name has none.
    signer = { domain: domainToASCII(domain) || domain.toLowerCase(), selector: tagValue(key.selector), key: createPrivateKey(key.privateKey) };
    signers.set(key, signer);
  }
  return signer;
}

/** A tag value that cannot close its tag or the header (nodemailer's cleanTagValue). */
function tagValue(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return value.replace(/[\x00-\x1f\x7f;=]/g, '');
}

/**
 * The message as it is sent, behind a DKIM-Signature header per key, for
 * each try of a delivery (`body` gives the message's bytes or a stream of its
 * file each time it is called). The signatures are made first: a held
 * message hashed at once, a spooled one read once for them. A held message
 * stays one buffer, which the client writes in one go.
 */
export async function signedBody(body: () => Buffer | Readable, keys: DkimKey[]): Promise<() => Buffer | Readable> {
  if (keys.length === 0) return body;
  const first = body();
  const signatures = await signaturesOf(first, keys);
  if (signatures.length === 0) return body;
  const lines = Buffer.from(signatures.map((s) => `${s}\r\n`).join(''));
  if (Buffer.isBuffer(first)) {
    const signed = Buffer.concat([lines, first]);
    return () => signed;
  }
  return () => Readable.from(behind(lines, body), { objectMode: false });
}

/** The signature lines, then the message; its file is opened only when the stream is read, so a stream never read holds nothing open. */
async function* behind(lines: Buffer, body: () => Buffer | Readable): AsyncGenerator<Buffer> {
  yield lines;
  const message = body();
  if (Buffer.isBuffer(message)) yield message;
  else for await (const chunk of message) yield chunk as Buffer;
}

/** Reads the message once, keeping only its header block and the running body hash, and signs it with each key (a key that cannot sign is left out). */
export async function signaturesOf(message: Buffer | Readable, keys: DkimKey[]): Promise<string[]> {
  const reader = new HeadersAndBodyHash();
  if (Buffer.isBuffer(message)) reader.update(message);
  else for await (const chunk of message) reader.update(chunk as Buffer);
  const { headers, bodyHash } = reader.digest();
  const signed = await Promise.all(keys.map((key) => dkimSignature(headers, bodyHash, signerOf(key)).catch(() => null)));
  return signed.filter((s) => s !== null);
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
