import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import type { StatsGroup } from '#api/schemas/stats.js';
import { dateTime } from '../messages/messageWords.js';

const count = (field: keyof StatsGroup, headerName: string, minWidth = 110): GridColDef<StatsGroup> => ({ field, headerName, type: 'number', minWidth });

const COLUMNS: GridColDef<StatsGroup>[] = [
  { field: 'label', headerName: 'Group', flex: 2, minWidth: 220 },
  // Room for the sort arrow beside the longest header.
  count('accepted', 'Messages', 130),
  count('recipients', 'Recipients'),
  count('delivered', 'Delivered'),
  count('deferred', 'Deferred'),
  count('bounced', 'Bounced'),
  count('refused', 'Refused'),
  { field: 'firstAt', headerName: 'First send', minWidth: 185, valueFormatter: (value: string) => dateTime(value) },
  { field: 'lastAt', headerName: 'Last send', minWidth: 185, valueFormatter: (value: string) => dateTime(value) },
];

const rowId = (group: StatsGroup) => `${group.campaign ? 'campaign' : 'group'}:${group.key}`;
const INITIAL_STATE = { sorting: { sortModel: [{ field: 'accepted', sort: 'desc' as const }] } };

/** One row per group, sorted in the page (the host sends every group of the period); a row opens its messages. */
export function StatsTable({ groups, labelledBy, onOpen }: { groups: StatsGroup[]; labelledBy: string; onOpen: (group: StatsGroup) => void }) {
  return (
    <DataGrid
      aria-labelledby={labelledBy}
      rows={groups}
      columns={COLUMNS}
      getRowId={rowId}
      initialState={INITIAL_STATE}
      autoHeight
      density="compact"
      disableRowSelectionOnClick
      onRowClick={({ row }: { row: StatsGroup }) => onOpen(row)}
      pageSizeOptions={[25, 50, 100]}
      sx={{ '& .MuiDataGrid-row': { cursor: 'pointer' } }}
    />
  );
}
