/**
 * The second pass for the rare message whose body has a line over 998
 * octets, run after it is spooled and before the 250: its MIME structure is
 * read back from the spool (memory or file), and the parts with long lines
 * are re-encoded into a second spool file, so the upstream never gets a line
 * it may refuse. Messages without long lines never come here. Neither pass
 * holds the message whole; the second version is made durable by its own
 * commit, as the first would have been.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { applyEdits, type MessageSource } from '../mime/apply-edits.js';
import { outlineOf } from '../mime/outline.js';
import { planRewrite } from '../mime/reencode-plan.js';
import type { Spool, SpoolingMessage } from '../queue/spool.js';
import { replies, type SmtpReply } from './replies.js';

async function* prefixed(prefix: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield prefix;
  yield* rest;
}

/**
 * The message (spooled in `first` behind its metadata line `prefix`) made
 * deliverable in a new spooling message, or the reply that says why it
 * cannot be. The caller aborts `first` either way.
 */
export async function rewriteLongLines(spool: Spool, id: string, first: SpoolingMessage, prefix: Buffer): Promise<SpoolingMessage | SmtpReply> {
  const written = first.stream;
  const source: MessageSource = {
    length: written.bytesWritten - prefix.length,
    read: (start, end) => written.readRange(prefix.length + start, prefix.length + end),
  };
  const plan = planRewrite(await outlineOf(source.read(0, source.length)));
  if (!plan.ok) return replies.lineTooLong(plan.problem);
  const second = spool.create(id, 'rewrite');
  try {
    await pipeline(Readable.from(prefixed(prefix, applyEdits(source, plan.edits))), second.stream);
  } catch (err) {
    await second.abort();
    throw err;
  }
  return second;
}
