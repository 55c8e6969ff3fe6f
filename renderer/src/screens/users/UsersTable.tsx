import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
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
        <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center', height: '100%' }}>
          {row.active ? <ActiveIcon color="success" fontSize="small" /> : <InactiveIcon color="disabled" fontSize="small" />}
          <span>{row.active ? 'Active' : 'Inactive'}</span>
        </Stack>
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
      headerName: 'Action',
      width: 110,
      sortable: false,
      filterable: false,
      renderCell: ({ row }) => (
        <Stack direction="row" sx={{ alignItems: 'center', height: '100%' }}>
          <Tooltip title="Edit">
            <IconButton size="small" aria-label={`Edit ${row.name}`} onClick={() => onEdit(row)}>
              <EditIcon fontSize="small" />
            </IconButton>
          </Tooltip>
          <Tooltip title="Delete">
            <IconButton size="small" aria-label={`Delete ${row.name}`} onClick={() => onDelete(row)}>
              <DeleteIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Stack>
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
      getRowId={(u) => u.name}
      loading={loading}
      autoHeight
      showToolbar
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
      localeText={{ noRowsLabel: 'No SMTP users yet: add one so a mail client can log in.' }}
    />
  );
}
