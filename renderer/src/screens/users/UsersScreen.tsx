import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { UserView } from '#api/schemas/users.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { AddIcon } from '../../components/icons.js';
import type { ListsData } from '../../lists/useLists.js';
import { ConnectionInfo } from './ConnectionInfo.js';
import { UserDialog } from './UserDialog.js';
import { UsersTable } from './UsersTable.js';
import { useUsersData } from './useUsersData.js';
import { useUsersGridQuery } from './useUsersGridQuery.js';

/** SMTP users: who may log in to the relay, in the list chosen at the top ('' = all), and what their mail clients need. */
export function UsersScreen({ client, list, lists }: { client: ApiClient; list: string; lists: ListsData }) {
  const grid = useUsersGridQuery();
  const data = useUsersData(client, list, grid.query);
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<UserView | null>(null);

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
              SMTP users{list ? ` in ${list}` : ''}
            </Typography>
            <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing('new')}>
              Add new user
            </Button>
          </Stack>
          <UsersTable
            users={data.users}
            list={list}
            labelledBy="users-title"
            total={data.total}
            loading={data.loading}
            models={grid.models}
            onEdit={setEditing}
            onDelete={setDeleting}
          />
        </CardContent>
      </Card>
      {editing && (
        <UserDialog
          client={client}
          user={editing === 'new' ? null : editing}
          // With all lists shown, a new user goes to the first list (the host's default, "SMTP+"), named in the form.
          list={list || (lists.names[0] ?? '')}
          lists={lists.names}
          server={data.server}
          onSaved={() => {
            data.reload();
            lists.reload();
          }}
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
