import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { ListView } from '#api/schemas/users.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';

export interface DeleteListDialogProps {
  list: ListView;
  /** How many lists there are: the last one stays. */
  listCount: number;
  onDelete: () => Promise<void>;
  onClose: () => void;
}

function users(n: number): string {
  return `${n} user${n === 1 ? '' : 's'}`;
}

/**
 * Deletes an empty list after asking. A list with users, or the only list,
 * cannot be deleted: the dialog says so and what to do instead (the host
 * refuses too, should users have been added meanwhile).
 */
export function DeleteListDialog({ list, listCount, onDelete, onClose }: DeleteListDialogProps) {
  const blocker =
    list.users > 0
      ? `"${list.name}" has ${users(list.users)}: move or delete its ${users(list.users)} first (a user's list is in its settings, under Users).`
      : listCount <= 1
        ? `"${list.name}" is the only list, and new users need one: rename it instead, or make another list first.`
        : null;
  if (blocker) {
    return (
      <Dialog open onClose={onClose} aria-labelledby="delete-list-title" maxWidth="xs" fullWidth>
        <DialogTitle id="delete-list-title">{`"${list.name}" cannot be deleted yet`}</DialogTitle>
        <DialogContent>
          <DialogContentText>{blocker}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={onClose}>
            Close
          </Button>
        </DialogActions>
      </Dialog>
    );
  }
  return (
    <ConfirmDialog title={`Delete the list "${list.name}"?`} confirmLabel="Delete list" danger onConfirm={onDelete} onClose={onClose}>
      The list <strong>{list.name}</strong> has no users. It is deleted; making it again later starts a new, empty list.
    </ConfirmDialog>
  );
}
