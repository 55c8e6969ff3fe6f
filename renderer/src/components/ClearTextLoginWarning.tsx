import Alert from '@mui/material/Alert';

/** Shown wherever a port that allows logins without TLS appears. */
export function ClearTextLoginWarning({ port }: { port: number }) {
  return (
    <Alert severity="warning" sx={{ py: 0 }} aria-label={`warning for port ${port}`}>
      Port {port} allows logins without TLS: passwords cross the network readable. Allow this only for devices that cannot use TLS, on a network you trust.
    </Alert>
  );
}
