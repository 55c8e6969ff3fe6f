import { DataGrid, type GridColDef, type GridPaginationModel } from '@mui/x-data-grid';
import { useCallback, useMemo, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { RefusalRow } from '#api/schemas/messages.js';
import { useApiData } from '../../components/useApiData.js';
import { dateTime, STAGE_WORDS } from './messageWords.js';

const FIXED = { sortable: false, filterable: false } as const;
const COLUMNS: GridColDef<RefusalRow>[] = [
  { ...FIXED, field: 'at', headerName: 'When', minWidth: 185, valueFormatter: (value: string) => dateTime(value) },
  { ...FIXED, field: 'remoteAddress', headerName: 'Client address', minWidth: 140 },
  { ...FIXED, field: 'user', headerName: 'User', minWidth: 100, valueFormatter: (value: string | null) => value ?? '' },
  { ...FIXED, field: 'stage', headerName: 'Stage', minWidth: 120, valueFormatter: (value: string) => STAGE_WORDS[value] ?? value },
  { ...FIXED, field: 'envelopeFrom', headerName: 'Envelope sender', minWidth: 180, flex: 1, valueFormatter: (value: string | null) => value ?? '' },
  { ...FIXED, field: 'recipients', headerName: 'Recipients', minWidth: 160, flex: 1, valueFormatter: (value: string[]) => value.join(', ') },
  { ...FIXED, field: 'code', headerName: 'Code', type: 'number', minWidth: 70 },
  { ...FIXED, field: 'reply', headerName: 'Reply', minWidth: 260, flex: 2 },
];

const rowId = (row: RefusalRow) => `${row.at}|${row.remoteAddress}|${row.stage}|${row.reply}`;
const TOOLBAR = { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } };
const SLOT_PROPS = { toolbar: TOOLBAR };

export interface RefusalFilterFields {
  user: string;
  search: string;
  since: string | null;
}

/** Refused attempts (failed logins, unauthorized senders, limits, policy), newest first, paged by the host. */
export function RefusalsTable({ client, fields, labelledBy }: { client: ApiClient; fields: RefusalFilterFields; labelledBy: string }) {
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: 25 });
  const query = useMemo(
    () => ({
      filter: {
        ...(fields.user ? { user: fields.user } : {}),
        ...(fields.search ? { search: fields.search } : {}),
        ...(fields.since ? { since: fields.since } : {}),
      },
      page: pagination.page,
      pageSize: pagination.pageSize,
    }),
    [fields, pagination],
  );
  const load = useCallback(() => client.call('messages.refusals', query), [client, query]);
  const { value, loading, error } = useApiData(load);
  return (
    <>
      {error && <p role="alert">{error}</p>}
      <DataGrid
        aria-labelledby={labelledBy}
        rows={value?.rows ?? []}
        columns={COLUMNS}
        getRowId={rowId}
        loading={loading}
        autoHeight
        showToolbar
        slotProps={SLOT_PROPS}
        density="compact"
        disableRowSelectionOnClick
        disableColumnFilter
        paginationMode="server"
        rowCount={value?.total ?? 0}
        paginationModel={pagination}
        onPaginationModelChange={setPagination}
        pageSizeOptions={[25, 50, 100]}
      />
    </>
  );
}
