import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ServerView } from '#api/schemas/server.js';
import type { UserView } from '#api/schemas/users.js';
import { CopyButton } from '../../components/CopyButton.js';
import { PasswordBox } from './PasswordBox.js';
import { shortDate } from './priority.js';

export interface CredentialsSectionProps {
  user: UserView | null;
  /** For a new user: the name it will get, null while it is being asked for. */
  nextName?: string | null;
  server: ServerView | null;
  password: string | null;
  /** Without it, no reset button (right after creation, the password is on screen). */
  onReset?: () => void;
}

const ENCRYPTION = { none: 'none', starttls: 'none - STARTTLS', 'starttls-required': 'STARTTLS', tls: 'SSL/TLS' } as const;

/** User name, password and server: what a mail client logs in with, as in MailUp's window. */
export function CredentialsSection({ user, nextName, server, password, onReset }: CredentialsSectionProps) {
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
          <Typography color="text.secondary" variant="body2" sx={{ flexGrow: 1, textAlign: 'right', pr: 1 }}>
            Last updated {shortDate(user.updatedAt)}
          </Typography>
          {onReset && (
            <Button onClick={onReset} variant="outlined" size="small">
              Reset password
            </Button>
          )}
        </Stack>
      ) : (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', flexWrap: 'wrap', rowGap: 0.5 }}>
          <Typography color="text.secondary" sx={{ width: 100, flexShrink: 0 }}>
            User name
          </Typography>
          <Typography sx={{ fontFamily: 'monospace' }} aria-label="user name to be created">
            {nextName ?? '…'}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            — made when you create the user, with a password shown once, right after.
          </Typography>
        </Stack>
      )}
      {password && <PasswordBox password={password} />}
      {user && !password && (
        <Typography variant="body2" color="text.secondary">
          The password is never shown again after it is made. Reset it to make a new one.
        </Typography>
      )}
      {server && (
        <Typography variant="body2" color="text.secondary">
          Server <strong>{server.hostname}</strong>
          {server.lanAddresses.length > 0 && ` (or ${server.lanAddresses.join(', ')})`} · Port{' '}
          {server.listeners.map((l) => `${l.port} (${ENCRYPTION[l.encryption]})`).join(', ') || 'none configured'}
        </Typography>
      )}
    </Stack>
  );
}
