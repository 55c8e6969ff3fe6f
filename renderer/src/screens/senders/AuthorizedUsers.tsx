import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import type { UserView } from '../../../../electron/api/schemas/users.js';

/** Which SMTP users may send as this sender, and, while it is pending, that they cannot yet. */
export function AuthorizedUsers({ users, pending }: { users: UserView[]; pending: boolean }) {
  if (users.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No SMTP user is authorized for it yet: choose it in a user&apos;s settings under Users.
      </Typography>
    );
  }
  const names = users.map((u) => (u.note ? `${u.name} (${u.note})` : u.name)).join(', ');
  if (!pending) {
    return (
      <Typography variant="body2" color="text.secondary">
        Authorized for {names}.
      </Typography>
    );
  }
  return (
    <Alert severity="warning" role="note">
      Authorized for {names}, who cannot send from it until it is verified.
    </Alert>
  );
}
