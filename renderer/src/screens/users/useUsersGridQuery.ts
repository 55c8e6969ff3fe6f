import type { GridFilterModel, GridPaginationModel, GridSortModel } from '@mui/x-data-grid';
import { useMemo, useState } from 'react';
import type { UsersQuery } from './useUsersData.js';

const SORTABLE = ['name', 'note', 'list', 'active', 'priority', 'updatedAt'] as const;
type SortField = (typeof SORTABLE)[number];

function isSortField(field: string): field is SortField {
  return (SORTABLE as readonly string[]).includes(field);
}

/** What the grid's search box and status filter ask for, as the host's query and the empty state both read them. */
export interface UsersFilter {
  search: string;
  /** true: active users only; false: inactive only; null: both. */
  active: boolean | null;
}

export function usersFilter(filter: GridFilterModel): UsersFilter {
  const status = filter.items.find((item) => item.field === 'active' && typeof item.value === 'string');
  return {
    search: (filter.quickFilterValues ?? []).map(String).join(' ').trim(),
    active: status ? status.value === 'Active' : null,
  };
}

export interface UsersGridModels {
  pagination: GridPaginationModel;
  sort: GridSortModel;
  filter: GridFilterModel;
  setPagination: (model: GridPaginationModel) => void;
  setSort: (model: GridSortModel) => void;
  setFilter: (model: GridFilterModel) => void;
}

/**
 * The users grid's page, sort and filter, turned into the host's users.list
 * query: the grid runs in server mode, so only the page shown is loaded.
 */
export function useUsersGridQuery(): { models: UsersGridModels; query: UsersQuery } {
  const [pagination, setPagination] = useState<GridPaginationModel>({ page: 0, pageSize: 25 });
  const [sort, setSortModel] = useState<GridSortModel>([{ field: 'name', sort: 'asc' }]);
  const [filter, setFilterModel] = useState<GridFilterModel>({ items: [] });
  const query = useMemo<UsersQuery>(() => {
    const sorted = sort[0];
    const { search, active } = usersFilter(filter);
    return {
      offset: pagination.page * pagination.pageSize,
      limit: pagination.pageSize,
      ...(sorted?.sort && isSortField(sorted.field) ? { sort: { field: sorted.field, direction: sorted.sort } } : {}),
      ...(active === null ? {} : { active }),
      ...(search ? { search } : {}),
    };
  }, [pagination, sort, filter]);
  const firstPage = () => setPagination((p) => ({ ...p, page: 0 }));
  return {
    models: {
      pagination,
      sort,
      filter,
      setPagination,
      setSort: (model) => {
        setSortModel(model);
        firstPage();
      },
      setFilter: (model) => {
        setFilterModel(model);
        firstPage();
      },
    },
    query,
  };
}
