import Alert from '@mui/material/Alert';

/**
 * A user with no authorized domain or address is refused whatever it sends,
 * and so are its trusted devices, which send as it: a warning, not a
 * refusal, since the senders may come later.
 */
export function NoSenderWarning({ created }: { created?: string }) {
  return (
    <Alert severity="warning" role="note" aria-label="no authorized sender">
      {created
        ? `${created} has no authorized sender, so it cannot send anything, nor can its trusted devices: edit it to choose a domain or add an address.`
        : 'This user has no authorized sender yet, so it cannot send anything, nor can its trusted devices: choose a domain or add an address above.'}
    </Alert>
  );
}
