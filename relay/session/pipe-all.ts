/**
 * source → through → sink, as stream.pipeline does it: settled once the sink
 * has finished, or rejected when any of the three fails or closes early, all
 * three then destroyed. pipeline also builds an AbortController and, when it
 * finishes, an AbortError (a DOMException with its stack) for every message:
 * ~4% of the relay's CPU in W2, for nothing the relay uses.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

export function pipeAll(source: Readable, through: Duplex, sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err?: Error) => {
      if (settled) return;
      settled = true;
      for (const stream of [source, through, sink]) stream.destroy();
      reject(err ?? Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    // The listeners stay after settling: a late 'error' must not go unhandled.
    for (const stream of [source, through, sink]) stream.on('error', fail);
    source.once('close', () => source.readableEnded || fail());
    through.once('close', () => (through.readableEnded && through.writableFinished) || fail());
    sink.once('close', () => sink.writableFinished || fail());
    sink.once('finish', () => {
      settled = true;
      resolve();
    });
    source.pipe(through).pipe(sink);
  });
}
