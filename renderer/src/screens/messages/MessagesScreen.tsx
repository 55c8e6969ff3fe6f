import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import type { GridPaginationModel, GridRowSelectionModel, GridSortModel } from '@mui/x-data-grid';
import { useMemo, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { MessageFilter } from '#api/schemas/messages.js';
import type { QueueState } from '#api/schemas/queue.js';
import { Section } from '../../components/Section.js';
import { CountersBar } from './CountersBar.js';
import { MessageDetail } from './MessageDetail.js';
import { MessageFilters, NO_FILTER, PERIODS, type FilterFields } from './MessageFilters.js';
import { MessagesTable } from './MessagesTable.js';
import { QueueActions } from './QueueActions.js';
import { RefusalsTable } from './RefusalsTable.js';
import { useMessagesData } from './useMessagesData.js';

export interface MessagesScreenProps {
  client: ApiClient;
  /** The list chosen at the top; '' for every list. */
  list: string;
  queue: QueueState | null;
  onQueue: (state: QueueState) => void;
  /** A statistics group the messages are narrowed to, until cleared. */
  group: MessageFilter['group'] | null;
  onClearGroup: () => void;
  /** What the search starts with, such as the queue id of a message an alert linked to. */
  search?: string;
}

const NO_SELECTION: GridRowSelectionModel = { type: 'include', ids: new Set() };

function sinceOf(fields: FilterFields): string | null {
  const ms = PERIODS[fields.period].ms;
  return ms === null ? null : new Date(Date.now() - ms).toISOString();
}

/** The host's filter for what the admin chose, within the list chosen at the top. */
function messageFilter(fields: FilterFields, list: string, group: MessageFilter['group'] | null): MessageFilter {
  const since = sinceOf(fields);
  return {
    ...(group ? { group } : {}),
    ...(fields.status.length ? { status: fields.status } : {}),
    ...(list ? { list } : {}),
    ...(fields.user.trim() ? { user: fields.user.trim() } : {}),
    ...(fields.sender.trim() ? { sender: fields.sender.trim() } : {}),
    ...(fields.search.trim() ? { search: fields.search.trim() } : {}),
    ...(since ? { since } : {}),
  };
}

/** Send status: every message's fate, the counters, queue control, and the refused attempts. */
export function MessagesScreen({ client, list, queue, onQueue, group, onClearGroup, search = '' }: MessagesScreenProps) {
  const [view, setView] = useState<'messages' | 'refused'>('messages');
  const [fields, setFields] = useState<FilterFields>({ ...NO_FILTER, search });
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: 25 });
  const [sort, setSort] = useState<GridSortModel>([{ field: 'acceptedAt', sort: 'desc' }]);
  const [selection, setSelection] = useState<GridRowSelectionModel>(NO_SELECTION);
  const [open, setOpen] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const filter = useMemo(() => messageFilter(fields, list, group), [fields, list, group]);
  const query = useMemo(() => {
    const by = sort[0];
    const order = by?.field === 'status' ? 'status' : 'acceptedAt';
    return { filter, sort: `${order}-${by?.sort === 'asc' ? 'asc' : 'desc'}` as const, page: pagination.page, pageSize: pagination.pageSize };
  }, [filter, sort, pagination]);
  const { value, loading, error, reload } = useMessagesData(client, query);
  const changeFields = (next: FilterFields) => {
    setFields(next);
    setPagination((p) => ({ ...p, page: 0 }));
    setSelection(NO_SELECTION);
  };
  const selected = [...selection.ids].map(String);
  return (
    <Stack spacing={3}>
      <CountersBar client={client} />
      {queue?.paused && (
        <Alert severity="warning" role="status">
          Delivery is paused: mail is still accepted and queued, and nothing is sent until you resume.
        </Alert>
      )}
      <Section id="messages-title" title="Messages" intro="Every message the relay accepted and what became of it. Click a row for its timeline.">
        <Stack spacing={2}>
          <Tabs value={view} onChange={(_e, next: 'messages' | 'refused') => setView(next)} aria-label="messages or refused attempts">
            <Tab value="messages" label="Accepted" />
            <Tab value="refused" label="Refused" />
          </Tabs>
          <MessageFilters fields={fields} refused={view === 'refused'} onChange={changeFields} />
          {group && (
            <Alert severity="info" action={<Button onClick={onClearGroup}>Show all</Button>}>
              Only the messages of one statistics group of {group.list}.
            </Alert>
          )}
          {view === 'messages' ? (
            <>
              <QueueActions
                client={client}
                queue={queue}
                onQueue={onQueue}
                selected={selected}
                filter={filter}
                onDone={(text) => {
                  setSaid(text);
                  setSelection(NO_SELECTION);
                  reload();
                }}
              />
              {said && (
                <Alert severity="success" onClose={() => setSaid(null)}>
                  {said}
                </Alert>
              )}
              {error && <Alert severity="error">{error}</Alert>}
              <MessagesTable
                rows={value?.rows ?? []}
                total={value?.total ?? 0}
                totalIsLowerBound={value?.totalIsLowerBound ?? false}
                loading={loading}
                labelledBy="messages-title"
                pagination={pagination}
                onPagination={setPagination}
                sort={sort}
                onSort={(model) => {
                  setSort(model);
                  setPagination((p) => ({ ...p, page: 0 }));
                }}
                selection={selection}
                onSelection={setSelection}
                onOpen={(row) => setOpen(row.id)}
              />
            </>
          ) : (
            <RefusalsTable client={client} labelledBy="messages-title" fields={{ user: fields.user.trim(), search: fields.search.trim(), since: sinceOf(fields) }} />
          )}
        </Stack>
      </Section>
      {open && <MessageDetail client={client} id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}
