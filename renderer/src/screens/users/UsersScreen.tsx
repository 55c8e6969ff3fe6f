import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '../../../../electron/api/client.js';
import type { UserView } from '../../../../electron/api/schemas/users.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { AddIcon } from '../../components/icons.js';
import { ConnectionInfo } from './ConnectionInfo.js';
import { UserDialog } from './UserDialog.js';
import { UsersTable } from './UsersTable.js';
import { useUsersData } from './useUsersData.js';

const ALL = '';

/** SMTP users: who may log in to the relay, per list, and what their mail clients need. */
export function UsersScreen({ client }: { client: ApiClient }) {
  const [list, setList] = useState(ALL);
  const data = useUsersData(client, list);
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);
  const lists = list && !data.lists.includes(list) ? [...data.lists, list] : data.lists;

  const remove = async (user: UserView) => {
    await client.call('users.delete', { name: user.name });
    setDeleting(null);
    data.reload();
  };

  return (
    <Stack spacing={3}>
      {data.error && <Alert severity="error">Could not load the users: {data.error}</Alert>}
      {data.server && <ConnectionInfo server={data.server} />}
      <Card variant="outlined" component="section" aria-labelledby="users-title">
        <CardContent>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
            <Typography variant="h6" component="h2" id="users-title" sx={{ flexGrow: 1 }}>
              SMTP users
            </Typography>
            <TextField
              select
              id="users-list"
              label="List"
              value={list}
              onChange={(e) => setList(e.target.value)}
              size="small"
              sx={{ minWidth: 200 }}
              slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
            >
              <MenuItem value={ALL}>All lists</MenuItem>
              {lists.map((name) => (
                <MenuItem key={name} value={name}>
                  {name}
                </MenuItem>
              ))}
            </TextField>
            <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing('new')}>
              Add new user
            </Button>
          </Stack>
          <UsersTable users={data.users} loading={data.loading} onEdit={setEditing} onDelete={setDeleting} />
        </CardContent>
      </Card>
      {editing && (
        <UserDialog
          client={client}
          user={editing === 'new' ? null : editing}
          list={list}
          lists={data.lists}
          server={data.server}
          verifiedDomains={data.verifiedDomains}
          onSaved={data.reload}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete user"
          danger
          onConfirm={() => remove(deleting)}
          onClose={() => setDeleting(null)}
        >
          The SMTP user <strong>{deleting.name}</strong>
          {deleting.note ? ` (${deleting.note})` : ''} is deleted: mail clients using it can no longer send. This cannot be undone.
        </ConfirmDialog>
      )}
    </Stack>
  );
}
