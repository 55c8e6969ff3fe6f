import type { ApiClient } from '#api/client.js';
import type { MethodOutput } from '#api/contract.js';
import type { MessageFilter } from '#api/schemas/messages.js';

/** Every message matching the filter as one CSV file, fetched chunk by chunk; returns how many rows it holds. */
export async function downloadMessagesCsv(client: ApiClient, filter: MessageFilter): Promise<number> {
  const chunks: string[] = [];
  let rows = 0;
  let cursor: string | null = null;
  do {
    const chunk: MethodOutput<'messages.exportCsv'> = await client.call('messages.exportCsv', { filter, cursor });
    chunks.push(chunk.csv);
    rows += chunk.rows;
    cursor = chunk.cursor;
  } while (cursor !== null);
  const url = URL.createObjectURL(new Blob(chunks, { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `relay-desk-messages-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  // The click has handed the blob to the download; the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return rows;
}
