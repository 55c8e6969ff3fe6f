import { DataGrid, GridActionsCell, GridActionsCellItem, getGridSingleSelectOperators, type GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { UserView } from '#api/schemas/users.js';
import { ActiveIcon, DeleteIcon, EditIcon, InactiveIcon } from '../../components/icons.js';
import { priorityLabel, shortDate } from './priority.js';
import { UsersEmptyState } from './UsersEmptyState.js';
import type { UsersGridModels } from './useUsersGridQuery.js';

export interface UsersTableProps {
  users: UserView[];
  /** The list chosen at the top; '' shows every list, with a List column. */
  list: string;
  /** The id of the heading that names the grid. */
  labelledBy: string;
  /** How many users match in all: the grid shows one page of them. */
  total: number;
  loading: boolean;
  models: UsersGridModels;
  onEdit: (user: UserView) => void;
  onDelete: (user: UserView) => void;
}

// Props of stable identity: the grid recomputes its state when an object prop changes.
const SLOTS = { noRowsOverlay: UsersEmptyState };
// Room for the empty state's sentence and its button (the grid's own is two rows high).
const GRID_STYLE = { '--DataGrid-overlayHeight': '120px', '& .user-status': { display: 'flex', alignItems: 'center', gap: 0.75, height: '100%' } };
const rowId = (user: UserView) => user.name;
// No export or print: the grid holds one page of the users (the host pages them), so they would silently leave the rest out.
const TOOLBAR = { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } };
// The host filters by status "is" one value; "is not" and "is any of" would be read as "is".
const STATUS_OPERATORS = getGridSingleSelectOperators().filter((operator) => operator.value === 'is');

/**
 * Minimum widths leave each header whole with its sort arrow and menu button
 * (both shown while the pointer is on it); Note, then List, take the rest.
 */
function usersColumns(onEdit: (user: UserView) => void, onDelete: (user: UserView) => void, showList: boolean): GridColDef<UserView>[] {
  return [
    {
      field: 'active',
      headerName: 'Status',
      minWidth: 120,
      type: 'singleSelect',
      valueOptions: ['Active', 'Inactive'],
      filterOperators: STATUS_OPERATORS,
      valueGetter: (_value, row) => (row.active ? 'Active' : 'Inactive'),
      renderCell: ({ row }) => (
        <span className="user-status">
          {row.active ? <ActiveIcon color="success" fontSize="small" /> : <InactiveIcon color="disabled" fontSize="small" />}
          {row.active ? 'Active' : 'Inactive'}
        </span>
      ),
    },
    { field: 'name', headerName: 'User name', minWidth: 160, filterable: false },
    { field: 'note', headerName: 'Note', flex: 2, minWidth: 180, filterable: false },
    ...(showList ? [{ field: 'list', headerName: 'List', flex: 1, minWidth: 120, filterable: false }] : []),
    { field: 'type', headerName: 'Type', width: 100, sortable: false, filterable: false },
    {
      field: 'priority',
      headerName: 'Priority',
      minWidth: 140,
      type: 'number',
      filterable: false,
      align: 'left',
      headerAlign: 'left',
      valueFormatter: (value: number) => priorityLabel(value),
    },
    {
      field: 'updatedAt',
      headerName: 'Last updated',
      minWidth: 170,
      type: 'date',
      filterable: false,
      valueGetter: (value: string) => new Date(value),
      valueFormatter: (value: Date) => shortDate(value.toISOString()),
    },
    {
      field: 'actions',
      type: 'actions',
      headerName: 'Action',
      width: 110,
      // The grid's own action cells: far lighter than a Tooltip and IconButton pair per row with 25–100 rows shown.
      renderCell: (params) => (
        <GridActionsCell {...params}>
          <GridActionsCellItem icon={<EditIcon fontSize="small" />} label={`Edit ${params.row.name}`} title="Edit" onClick={() => onEdit(params.row)} />
          <GridActionsCellItem icon={<DeleteIcon fontSize="small" />} label={`Delete ${params.row.name}`} title="Delete" onClick={() => onDelete(params.row)} />
        </GridActionsCell>
      ),
    },
  ];
}

/**
 * The seed's users table: sortable, filterable (status and search), with edit
 * and delete on each row. Paging, sorting and filtering happen on the host.
 */
export function UsersTable({ users, list, labelledBy, total, loading, models, onEdit, onDelete }: UsersTableProps) {
  // The grid recomputes its column state whenever this array changes identity: made once per handler pair and list choice.
  const showList = list === '';
  const columns = useMemo(() => usersColumns(onEdit, onDelete, showList), [onEdit, onDelete, showList]);
  const slotProps = useMemo(() => ({ toolbar: TOOLBAR, noRowsOverlay: { list } }), [list]);
  return (
    <DataGrid
      // Named by the card's heading: a label of its own would show "SMTP users" a second time in the toolbar.
      aria-labelledby={labelledBy}
      rows={users}
      columns={columns}
      getRowId={rowId}
      loading={loading}
      autoHeight
      showToolbar
      slots={SLOTS}
      slotProps={slotProps}
      disableRowSelectionOnClick
      density="compact"
      paginationMode="server"
      sortingMode="server"
      filterMode="server"
      rowCount={total}
      paginationModel={models.pagination}
      onPaginationModelChange={models.setPagination}
      sortModel={models.sort}
      onSortModelChange={models.setSort}
      filterModel={models.filter}
      onFilterModelChange={models.setFilter}
      pageSizeOptions={[25, 50, 100]}
      sx={GRID_STYLE}
    />
  );
}
