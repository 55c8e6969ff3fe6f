import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { GridOverlay, gridFilterModelSelector, useGridApiContext, useGridSelector } from '@mui/x-data-grid';
import { usersFilter, type UsersFilter } from './useUsersGridQuery.js';

declare module '@mui/x-data-grid' {
  interface NoRowsOverlayPropsOverrides {
    /** The list chosen at the top; '' for all lists. */
    list: string;
  }
}

/** Why the grid is empty, in words: no user at all yet, or none matching what the admin searched or filtered. */
function emptyText({ search, active }: UsersFilter, list: string): { text: string; clear: string | null } {
  const inList = list ? ` in ${list}` : '';
  if (!search && active === null) return { text: `No SMTP users${inList} yet: add one so a mail client can log in.`, clear: null };
  const status = active === null ? '' : active ? 'active ' : 'inactive ';
  if (!search) return { text: `No user${inList} is ${status.trim()}.`, clear: 'Clear the filter' };
  return { text: `No ${status}user${inList} matches "${search}".`, clear: active === null ? 'Clear the search' : 'Clear the search and filter' };
}

/** The grid's "no rows" overlay: tells an empty install from a search that matches no one, and offers to clear it. */
export function UsersEmptyState({ list }: { list: string }) {
  const apiRef = useGridApiContext();
  const filter = useGridSelector(apiRef, gridFilterModelSelector);
  const { text, clear } = emptyText(usersFilter(filter), list);
  return (
    <GridOverlay>
      <Stack spacing={1} sx={{ alignItems: 'center', p: 2, textAlign: 'center' }}>
        <Typography variant="body2">{text}</Typography>
        {clear && (
          <Button size="small" variant="outlined" onClick={() => apiRef.current.setFilterModel({ items: [], quickFilterValues: [] })}>
            {clear}
          </Button>
        )}
      </Stack>
    </GridOverlay>
  );
}
