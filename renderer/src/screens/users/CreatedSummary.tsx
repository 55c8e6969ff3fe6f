import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import type { UserView, Verification } from '#api/schemas/users.js';
import { NoSenderWarning } from './NoSenderWarning.js';

/** What creating the user did about its senders: codes mailed, not needed or not mailed, and whether it can send at all. */
export function CreatedSummary({ user, verification }: { user: UserView; verification: Verification }) {
  const { mailed, covered, notMailed } = verification;
  return (
    <Stack spacing={1} component="section" aria-label="authorized senders of the new user">
      {mailed.length > 0 && (
        <Alert severity="info">
          {mailed.length === 1 ? 'A verification code was' : 'Verification codes were'} mailed to {mailed.join(', ')}. The user can send from{' '}
          {mailed.length === 1 ? 'it' : 'each'} once the code is entered under Senders.
        </Alert>
      )}
      {covered.map(({ address, domain }) => (
        <Alert key={address} severity="success">
          {address} needs no code: it is covered by the verified domain {domain}.
        </Alert>
      ))}
      {notMailed.map(({ address, reason }) => (
        <Alert key={address} severity="warning">
          No verification code could be mailed to {address}: {reason}. Send it under Senders once mail can be sent.
        </Alert>
      ))}
      {user.domains.length === 0 && user.addresses.length === 0 && <NoSenderWarning created={user.name} />}
    </Stack>
  );
}
