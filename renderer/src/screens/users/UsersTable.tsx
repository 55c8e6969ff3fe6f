import { DataGrid, GridActionsCell, GridActionsCellItem, type GridColDef } from '@mui/x-data-grid';
import { useMemo } from 'react';
import type { UserView } from '../../../../electron/api/schemas/users.js';
import { ActiveIcon, DeleteIcon, EditIcon, InactiveIcon } from '../../components/icons.js';
import { priorityLabel, shortDate } from './priority.js';
import type { UsersGridModels } from './useUsersGridQuery.js';

export interface UsersTableProps {
  users: UserView[];
  /** How many users match in all: the grid shows one page of them. */
  total: number;
  loading: boolean;
  models: UsersGridModels;
  onEdit: (user: UserView) => void;
  onDelete: (user: UserView) => void;
}

// Props of stable identity: the grid recomputes its state when an object prop changes.
const LOCALE_TEXT = { noRowsLabel: 'No SMTP users yet: add one so a mail client can log in.' };
const GRID_STYLE = { '& .user-status': { display: 'flex', alignItems: 'center', gap: 0.75, height: '100%' } };
const rowId = (user: UserView) => user.name;
// No export or print: the grid holds one page of the users (the host pages them), so they would silently leave the rest out.
const TOOLBAR = { toolbar: { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } } };

function usersColumns(onEdit: (user: UserView) => void, onDelete: (user: UserView) => void): GridColDef<UserView>[] {
  return [
    {
      field: 'active',
      headerName: 'Status',
      width: 120,
      type: 'singleSelect',
      valueOptions: ['Active', 'Inactive'],
      valueGetter: (_value, row) => (row.active ? 'Active' : 'Inactive'),
      renderCell: ({ row }) => (
        <span className="user-status">
          {row.active ? <ActiveIcon color="success" fontSize="small" /> : <InactiveIcon color="disabled" fontSize="small" />}
          {row.active ? 'Active' : 'Inactive'}
        </span>
      ),
    },
    { field: 'name', headerName: 'User name', width: 140, filterable: false },
    { field: 'note', headerName: 'Note', flex: 1, minWidth: 160, filterable: false },
    { field: 'type', headerName: 'Type', width: 90, sortable: false, filterable: false },
    {
      field: 'priority',
      headerName: 'Priority',
      width: 130,
      type: 'number',
      filterable: false,
      align: 'left',
      headerAlign: 'left',
      valueFormatter: (value: number) => priorityLabel(value),
    },
    {
      field: 'updatedAt',
      headerName: 'Last updated',
      width: 130,
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
export function UsersTable({ users, total, loading, models, onEdit, onDelete }: UsersTableProps) {
  // The grid recomputes its column state whenever this array changes identity: made once per handler pair.
  const columns = useMemo(() => usersColumns(onEdit, onDelete), [onEdit, onDelete]);
  return (
    <DataGrid
      label="SMTP users"
      rows={users}
      columns={columns}
      getRowId={rowId}
      loading={loading}
      autoHeight
      showToolbar
      slotProps={TOOLBAR}
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
      localeText={LOCALE_TEXT}
      sx={GRID_STYLE}
    />
  );
}
