import Alert from '@mui/material/Alert';
import Typography from '@mui/material/Typography';
import type { AuthorizedUsers as Authorized } from '#api/schemas/senders.js';

/** Which SMTP users may send as this sender, and, while it is pending, that they cannot yet. */
export function AuthorizedUsers({ users, pending }: { users: Authorized; pending: boolean }) {
  if (users.total === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No SMTP user is authorized for it yet: choose it in a user&apos;s settings under Users.
      </Typography>
    );
  }
  const shown = users.first.map((u) => (u.note ? `${u.name} (${u.note})` : u.name));
  const more = users.total - users.first.length;
  const names = more > 0 ? `${shown.join(', ')} and ${more.toLocaleString('en')} more` : shown.join(', ');
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
