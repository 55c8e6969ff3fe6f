import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '../../../electron/api/client.js';
import { BusyBar } from '../components/BusyBar.js';
import { errorText } from '../components/errors.js';

/** Asks for a new list's name and creates it; the host's error shows beside the field. */
export function NewListDialog({ client, onCreated, onClose }: { client: ApiClient; onCreated: (name: string) => void; onClose: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    client.call('lists.create', { name }).then(
      (list) => onCreated(list.name),
      (err: unknown) => {
        setError(errorText(err));
        setBusy(false);
      },
    );
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby="new-list-title" maxWidth="xs" fullWidth>
      <form onSubmit={submit} noValidate>
        <BusyBar busy={busy} label="creating the list" />
        <DialogTitle id="new-list-title">New list</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>Lists group SMTP users, for example one per office or per department.</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            required
            label="List name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={Boolean(error)}
            helperText={error ?? ' '}
            disabled={busy}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy || name.trim() === ''}>
            Create list
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
