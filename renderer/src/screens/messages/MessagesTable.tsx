import Chip from '@mui/material/Chip';
import { DataGrid, type GridColDef, type GridPaginationModel, type GridRowSelectionModel, type GridSortModel } from '@mui/x-data-grid';
import type { MessageRow } from '#api/schemas/messages.js';
import { byteSize, dateTime, isInQueue, STATUS_WORDS } from './messageWords.js';

export interface MessagesTableProps {
  rows: MessageRow[];
  total: number;
  /** The host counted only part of the matches (past 10,000, or a common phrase with a status or user): there are at least `total`. */
  totalIsLowerBound: boolean;
  loading: boolean;
  labelledBy: string;
  pagination: GridPaginationModel;
  onPagination: (model: GridPaginationModel) => void;
  sort: GridSortModel;
  onSort: (model: GridSortModel) => void;
  selection: GridRowSelectionModel;
  onSelection: (model: GridRowSelectionModel) => void;
  onOpen: (row: MessageRow) => void;
}

const text = (field: keyof MessageRow, headerName: string, minWidth: number, flex?: number): GridColDef<MessageRow> => ({
  field,
  headerName,
  minWidth,
  ...(flex ? { flex } : {}),
  sortable: false,
  filterable: false,
});

// Made once: the grid recomputes its column state whenever this array changes identity.
const COLUMNS: GridColDef<MessageRow>[] = [
  { field: 'acceptedAt', headerName: 'Accepted', minWidth: 185, filterable: false, valueFormatter: (value: string) => dateTime(value) },
  {
    field: 'status',
    headerName: 'Status',
    minWidth: 150,
    filterable: false,
    renderCell: ({ row }) => <Chip size="small" variant="outlined" color={STATUS_WORDS[row.status].color} label={STATUS_WORDS[row.status].label} />,
  },
  text('subject', 'Subject', 200, 2),
  text('from', 'From', 180, 1),
  { ...text('recipients', 'Recipients', 100), type: 'number' },
  text('user', 'User', 100),
  text('list', 'List', 100),
  text('envelopeFrom', 'Envelope sender', 180),
  { ...text('attempts', 'Attempts', 90), type: 'number' },
  { ...text('nextAttemptAt', 'Next attempt', 165), valueFormatter: (value: string | null) => dateTime(value) },
  text('lastReply', 'Last server answer', 240, 2),
  { ...text('size', 'Size', 90), type: 'number', valueFormatter: (value: number | null) => byteSize(value) },
  { ...text('tls', 'TLS', 70), valueFormatter: (value: boolean | null) => (value === null ? '' : value ? 'Yes' : 'No') },
  text('priority', 'Priority', 80),
  text('campaignCode', 'Campaign', 120),
  text('id', 'Queue id', 170),
];

// Columns shown at first; the rest are a click away in the column menu.
const HIDDEN = { envelopeFrom: false, size: false, tls: false, priority: false, campaignCode: false, id: false, list: false };
const INITIAL_STATE = { columns: { columnVisibilityModel: HIDDEN } };
const rowId = (row: MessageRow) => row.id;
const selectable = ({ row }: { row: MessageRow }) => isInQueue(row.status);
// No export or print from the grid: it holds one page; "Export CSV" exports every matching message.
const TOOLBAR = { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } };
const SLOT_PROPS = { toolbar: TOOLBAR };

/** "1–50 of at least 10,000": a total the host did not count to the end is said as what it is. */
function lowerBoundWords(total: number) {
  return {
    paginationDisplayedRows: ({ from, to }: { from: number; to: number }) =>
      `${from.toLocaleString('en-US')}–${to.toLocaleString('en-US')} of at least ${Math.max(total, to).toLocaleString('en-US')}`,
  };
}

/** One row per message, paged and sorted by the host; the messages still queued can be selected for retry or delete. */
export function MessagesTable(props: MessagesTableProps) {
  const lowerBound = props.totalIsLowerBound;
  return (
    <DataGrid
      aria-labelledby={props.labelledBy}
      rows={props.rows}
      columns={COLUMNS}
      getRowId={rowId}
      initialState={INITIAL_STATE}
      loading={props.loading}
      autoHeight
      showToolbar
      slotProps={SLOT_PROPS}
      density="compact"
      checkboxSelection
      isRowSelectable={selectable}
      keepNonExistentRowsSelected
      rowSelectionModel={props.selection}
      onRowSelectionModelChange={props.onSelection}
      disableRowSelectionOnClick
      onRowClick={({ row }: { row: MessageRow }) => props.onOpen(row)}
      paginationMode="server"
      sortingMode="server"
      disableColumnFilter
      // An unknown count lets the grid page on while a page comes back full.
      rowCount={lowerBound ? -1 : props.total}
      paginationMeta={lowerBound ? { hasNextPage: props.rows.length === props.pagination.pageSize } : undefined}
      localeText={lowerBound ? lowerBoundWords(props.total) : undefined}
      paginationModel={props.pagination}
      onPaginationModelChange={props.onPagination}
      sortModel={props.sort}
      onSortModelChange={props.onSort}
      pageSizeOptions={[25, 50, 100]}
      sx={{ '& .MuiDataGrid-row': { cursor: 'pointer' } }}
    />
  );
}
