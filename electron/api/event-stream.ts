/**
 * Reading the host's server-sent event stream, shared by the renderer's HTTP
 * transport and the tests. Browser and Node both provide fetch streams.
 */
import { EventEnvelopeSchema, type EventEnvelope } from './contract.js';

/** Yields each well-formed event until the stream ends; breaking out releases the stream. */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<EventEnvelope> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (!data) continue;
        const parsed = EventEnvelopeSchema.safeParse(JSON.parse(data));
        if (parsed.success) yield parsed.data;
      }
    }
  } finally {
    await reader.cancel();
  }
}
