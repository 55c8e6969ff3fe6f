import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useId, useState, type ReactNode, type SyntheticEvent } from 'react';
import { BusyBar } from '../components/BusyBar.js';
import { errorText } from '../components/errors.js';

export interface ListNameDialogProps {
  title: string;
  intro: ReactNode;
  label: string;
  initial?: string;
  confirmLabel: string;
  /** Calls the host; resolves with the list's name as the host spelled it. */
  submit: (name: string) => Promise<string>;
  onDone: (name: string) => void;
  onClose: () => void;
}

/** Asks for a list's name (a new list, or a new name for one) and calls the host; the host's refusal shows beside the field. */
export function ListNameDialog({ title, intro, label, initial = '', confirmLabel, submit, onDone, onClose }: ListNameDialogProps) {
  const titleId = useId();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = (e: SyntheticEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    submit(name).then(onDone, (err: unknown) => {
      setError(errorText(err));
      setBusy(false);
    });
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby={titleId} maxWidth="xs" fullWidth>
      <form onSubmit={send} noValidate>
        <BusyBar busy={busy} label="saving the list" />
        <DialogTitle id={titleId}>{title}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{intro}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            required
            label={label}
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
          <Button type="submit" variant="contained" disabled={busy || name.trim() === '' || name.trim() === initial}>
            {confirmLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
