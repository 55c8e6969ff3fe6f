import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MessageFilter } from '#api/schemas/messages.js';
import type { QueueState } from '#api/schemas/queue.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAction } from '../../components/useAction.js';
import { downloadMessagesCsv } from './exportCsv.js';

export interface QueueActionsProps {
  client: ApiClient;
  queue: QueueState | null;
  onQueue: (state: QueueState) => void;
  /** Queue ids of the selected messages that are still in the queue. */
  selected: string[];
  onDone: (said: string) => void;
  filter: MessageFilter;
}

const NO_FIELDS: readonly string[] = [];

function plural(n: number, one: string): string {
  return `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;
}

/** Pause and resume delivery, retry or delete the selected messages, export what the filter matches. */
export function QueueActions({ client, queue, onQueue, selected, onDone, filter }: QueueActionsProps) {
  const action = useAction(NO_FIELDS);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const retried = (done: string[], missing: string[]) =>
    onDone(`${plural(done.length, 'message')} will be tried now${missing.length ? `; ${plural(missing.length, 'message')} had already left the queue` : ''}.`);
  return (
    <>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {queue?.paused ? (
          <Button variant="contained" disabled={action.busy} onClick={() => void action.run(async () => onQueue(await client.call('queue.resume', {})))}>
            Resume delivery
          </Button>
        ) : (
          <Button variant="outlined" disabled={action.busy || !queue} onClick={() => void action.run(async () => onQueue(await client.call('queue.pause', {})))}>
            Pause delivery
          </Button>
        )}
        <Button
          variant="outlined"
          disabled={action.busy || selected.length === 0}
          onClick={() =>
            void action.run(async () => {
              const { done, missing } = await client.call('queue.retry', { ids: selected });
              retried(done, missing);
            })
          }
        >
          Retry selected
        </Button>
        <Button
          variant="outlined"
          disabled={action.busy || !queue || queue.deferred === 0}
          onClick={() =>
            void action.run(async () => {
              const { done, missing } = await client.call('queue.retry', { allDeferred: true });
              retried(done, missing);
            })
          }
        >
          Retry all deferred
        </Button>
        <Button variant="outlined" color="error" disabled={action.busy || selected.length === 0} onClick={() => setConfirmDelete(true)}>
          Delete selected
        </Button>
        <Button
          disabled={action.busy}
          onClick={() => void action.run(async () => onDone(`Exported ${plural(await downloadMessagesCsv(client, filter), 'message')} as CSV.`))}
        >
          Export CSV
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${plural(selected.length, 'message')}?`}
          confirmLabel="Delete"
          danger
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            const { done, missing } = await client.call('queue.delete', { ids: selected });
            setConfirmDelete(false);
            onDone(`${plural(done.length, 'message')} deleted${missing.length ? `; ${plural(missing.length, 'message')} had already left the queue` : ''}.`);
          }}
        >
          {selected.length === 1
            ? 'It is removed from the queue and never delivered. Its sender is not told: no bounce is sent.'
            : 'They are removed from the queue and never delivered. Their senders are not told: no bounce is sent.'}
        </ConfirmDialog>
      )}
    </>
  );
}
