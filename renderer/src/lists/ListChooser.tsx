import Divider from '@mui/material/Divider';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { ApiClient } from '../../../electron/api/client.js';
import { NewListDialog } from './NewListDialog.js';
import type { ListsData } from './useLists.js';

/** '' stands for every list. */
export const ALL_LISTS = '';
const NEW_LIST = '\u0000new';

/** The list the admin works in, chosen at the top of every screen, with a way to make a new one. */
export function ListChooser({ client, lists, value, onChange }: { client: ApiClient; lists: ListsData; value: string; onChange: (list: string) => void }) {
  const [creating, setCreating] = useState(false);
  const names = value && !lists.names.includes(value) ? [...lists.names, value] : lists.names;
  return (
    <>
      <TextField
        select
        id="current-list"
        label="List"
        value={value}
        onChange={(e) => (e.target.value === NEW_LIST ? setCreating(true) : onChange(e.target.value))}
        size="small"
        sx={{ minWidth: 220 }}
        error={Boolean(lists.error)}
        helperText={lists.error ? `Could not load the lists: ${lists.error}` : undefined}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
      >
        <MenuItem value={ALL_LISTS}>All lists</MenuItem>
        {names.map((name) => (
          <MenuItem key={name} value={name}>
            {name}
          </MenuItem>
        ))}
        <Divider />
        <MenuItem value={NEW_LIST}>New list…</MenuItem>
      </TextField>
      {creating && (
        <NewListDialog
          client={client}
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            lists.reload();
            onChange(name);
          }}
        />
      )}
    </>
  );
}
