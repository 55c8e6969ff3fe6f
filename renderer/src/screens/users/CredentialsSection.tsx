import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { UserView } from '../../../../electron/api/schemas/users.js';
import { CopyButton } from '../../components/CopyButton.js';
import { PasswordBox } from './PasswordBox.js';

/** User name and password: what a mail client logs in with. */
export function CredentialsSection({ user, password, onReset }: { user: UserView | null; password: string | null; onReset: () => void }) {
  return (
    <Stack spacing={1.5} component="section" aria-label="credentials">
      <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        Credentials
      </Typography>
      {user ? (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography color="text.secondary" sx={{ width: 100 }}>
            User name
          </Typography>
          <Typography sx={{ fontFamily: 'monospace' }} aria-label="user name">
            {user.name}
          </Typography>
          <CopyButton text={user.name} what="user name" />
          <Stack sx={{ flexGrow: 1 }} />
          <Button onClick={onReset} variant="outlined" size="small">
            Reset password
          </Button>
        </Stack>
      ) : (
        <Typography color="text.secondary">
          The user name and password are made when you create the user; the password is shown once, right after.
        </Typography>
      )}
      {password && <PasswordBox password={password} />}
      {user && !password && (
        <Typography variant="body2" color="text.secondary">
          The password is never shown again after it is made. Reset it to make a new one.
        </Typography>
      )}
    </Stack>
  );
}
