/**
 * The second pass, run after a message is spooled and before the 250, only
 * for a message that needs one: a body line over 998 octets, or a header or
 * footer its list adds. Its MIME structure is read back from the spool
 * (memory or file), and the parts that change are rewritten into a second
 * spool file: long lines re-encoded (or the message refused), the list's
 * additions inserted. Messages that need neither never come here. Neither
 * pass holds the message whole; the second version is made durable by its
 * own commit, as the first would have been.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { applyEdits, type MessageSource } from '../mime/apply-edits.js';
import { planDecoration, type MessageAdditions } from '../mime/decorate-plan.js';
import { outlineOf } from '../mime/outline.js';
import { planRewrite, type Edit } from '../mime/reencode-plan.js';
import type { Spool, SpoolingMessage } from '../queue/spool.js';
import { replies, type SmtpReply } from './replies.js';

async function* prefixed(prefix: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield prefix;
  yield* rest;
}

export interface SecondPass {
  longLines: boolean;
  additions: MessageAdditions | null;
}

/**
 * The message (spooled in `first` behind its metadata line `prefix`)
 * rewritten in a new spooling message; `first` itself when there turned out
 * to be nothing to change; or the reply that says why it cannot be sent. The
 * caller aborts `first` when it gets anything else.
 */
export async function secondPass(spool: Spool, id: string, first: SpoolingMessage, prefix: Buffer, needs: SecondPass): Promise<SpoolingMessage | SmtpReply> {
  const written = first.stream;
  const source: MessageSource = {
    length: written.bytesWritten - prefix.length,
    read: (start, end) => written.readRange(prefix.length + start, prefix.length + end),
  };
  const outline = await outlineOf(source.read(0, source.length));
  let edits: Edit[] = [];
  if (needs.longLines) {
    const plan = planRewrite(outline);
    if (!plan.ok) return replies.lineTooLong(plan.problem);
    edits = plan.edits;
  }
  if (needs.additions) edits = await planDecoration(outline, source, needs.additions, edits);
  if (edits.length === 0) return first;
  const second = spool.create(id, 'rewrite');
  try {
    await pipeline(Readable.from(prefixed(prefix, applyEdits(source, edits))), second.stream);
  } catch (err) {
    await second.abort();
    throw err;
  }
  return second;
}
