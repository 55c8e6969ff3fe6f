/** One kind of the host's contract events, typed, for the shell's own listeners in the host's process. */
import type { EventEmitter } from 'node:events';
import type { EventEnvelope, EventName, EventPayload } from '../api/contract.js';

export function onHostEvent<E extends EventName>(
  events: EventEmitter<{ event: [EventEnvelope] }>,
  name: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  // The host emits only payloads it built to the contract (the transports check them again on the way out).
  const forward = (envelope: EventEnvelope) => {
    if (envelope.event === name) listener(envelope.payload as EventPayload<E>);
  };
  events.on('event', forward);
  return () => events.off('event', forward);
}
