import Alert from '@mui/material/Alert';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { RelayState } from '#api/contract.js';

/** Whether the relay really listens on a configured port, or why it cannot, from its live state. */
export function ListenerStatus({ port, state }: { port: number; state: RelayState | null }) {
  const live = state?.listeners.find((l) => l.port === port);
  if (!live) {
    return (
      <Typography variant="body2" color="text.secondary">
        {state ? 'Opening…' : 'Waiting for the relay…'}
      </Typography>
    );
  }
  if (live.status === 'listening') return <Chip size="small" color="success" label="Listening" />;
  return (
    <Alert severity="error" sx={{ py: 0 }}>
      {live.error ?? `Port ${port} could not be opened.`}
    </Alert>
  );
}
