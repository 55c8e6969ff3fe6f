import type { Spool, StoredMessage } from '../queue/spool.js';

/** What the relay does at start, in one step: take stock of the folder, then load what was queued. */
export async function startSpool(spool: Spool): Promise<StoredMessage[]> {
  await spool.open();
  return spool.loadQueued();
}
