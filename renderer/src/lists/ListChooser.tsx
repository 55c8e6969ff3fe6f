import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import { DeleteIcon, EditIcon } from '../components/icons.js';
import { DeleteListDialog } from './DeleteListDialog.js';
import { ListNameDialog } from './ListNameDialog.js';
import type { ListsData } from './useLists.js';

/** '' stands for every list. */
export const ALL_LISTS = '';
const NEW_LIST = '\u0000new';

type Editing = 'new' | 'rename' | 'delete' | null;

/** The list the admin works in, chosen at the top of every screen, with ways to make, rename and delete lists. */
export function ListChooser({ client, lists, value, onChange }: { client: ApiClient; lists: ListsData; value: string; onChange: (list: string) => void }) {
  const [editing, setEditing] = useState<Editing>(null);
  const names = value && !lists.names.includes(value) ? [...lists.names, value] : lists.names;
  const current = lists.lists.find((l) => l.name === value);
  const done = (list: string) => {
    setEditing(null);
    lists.reload();
    onChange(list);
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <TextField
        select
        id="current-list"
        label="List"
        value={value}
        onChange={(e) => (e.target.value === NEW_LIST ? setEditing('new') : onChange(e.target.value))}
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
      {current && (
        <>
          <Button size="small" startIcon={<EditIcon />} onClick={() => setEditing('rename')} aria-label={`Rename the list ${current.name}`}>
            Rename
          </Button>
          <Button size="small" color="error" startIcon={<DeleteIcon />} onClick={() => setEditing('delete')} aria-label={`Delete the list ${current.name}`}>
            Delete
          </Button>
        </>
      )}
      {editing === 'new' && (
        <ListNameDialog
          title="New list"
          intro="Lists group SMTP users, for example one per office or per department."
          label="List name"
          confirmLabel="Create list"
          submit={async (name) => (await client.call('lists.create', { name })).name}
          onDone={done}
          onClose={() => setEditing(null)}
        />
      )}
      {editing === 'rename' && current && (
        <ListNameDialog
          title={`Rename the list "${current.name}"`}
          intro={
            current.users > 0
              ? `Its ${current.users} user${current.users === 1 ? '' : 's'}, its message history and its statistics go with it.`
              : 'It has no users yet; its message history and statistics go with it.'
          }
          label="New name"
          initial={current.name}
          confirmLabel="Rename list"
          submit={async (newName) => (await client.call('lists.rename', { name: current.name, newName })).name}
          onDone={done}
          onClose={() => setEditing(null)}
        />
      )}
      {editing === 'delete' && current && (
        <DeleteListDialog
          list={current}
          listCount={lists.lists.length}
          onDelete={async () => {
            await client.call('lists.delete', { name: current.name });
            done(ALL_LISTS);
          }}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}
