/**
 * One delivery attempt of a queued message through the deliverer, reported
 * around it for the message's history: 'sending' as it starts, 'attempt'
 * when it ends, with the server tried and each recipient's reply.
 */
import type { Deliverer, RecipientResult } from '../delivery/types.js';
import type { RelayEvent } from '../events.js';
import type { Spool, StoredMessage } from './spool.js';
import { errorMessage } from '../shared/errors.js';

type AttemptResult = Extract<RelayEvent, { type: 'attempt' }>['results'][number];

export async function attemptDelivery(
  deliverer: Deliverer | null,
  message: StoredMessage,
  spool: Spool,
  emit: (event: RelayEvent) => void,
): Promise<RecipientResult[]> {
  const { meta } = message;
  const startedAt = Date.now();
  emit({ type: 'sending', id: meta.id });
  const results = await deliverOnce(deliverer, message, spool);
  emit({
    type: 'attempt',
    id: meta.id,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    remoteHost: remoteHostOf(results),
    results: results.map(attemptResult),
  });
  return results;
}

/** A deliverer that throws (it should not) defers every pending recipient with its words. */
async function deliverOnce(deliverer: Deliverer | null, message: StoredMessage, spool: Spool): Promise<RecipientResult[]> {
  const { meta, state } = message;
  if (!deliverer) return state.pending.map((recipient) => ({ recipient, status: 'deferred' as const, response: 'No upstream is configured' }));
  try {
    return await deliverer.deliver({
      id: meta.id,
      from: meta.envelope.from,
      recipients: state.pending,
      body: () => spool.openBody(message),
      fromDomain: meta.fromDomain,
    });
  } catch (err) {
    const response = errorMessage(err);
    return state.pending.map((recipient) => ({ recipient, status: 'deferred' as const, response }));
  }
}

/** The servers the results came from, in order of first mention (MX delivery may reach several). */
function remoteHostOf(results: RecipientResult[]): string | null {
  const hosts = new Set<string>();
  for (const r of results) if (r.remoteHost) hosts.add(r.remoteHost);
  return hosts.size > 0 ? [...hosts].join(', ') : null;
}

function attemptResult(r: RecipientResult): AttemptResult {
  return { recipient: r.recipient, status: r.status, ...(r.code === undefined ? {} : { code: r.code }), response: r.response };
}
