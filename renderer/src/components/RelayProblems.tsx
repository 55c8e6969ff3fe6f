import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import type { RelayState } from '#api/contract.js';

/**
 * What is wrong with the relay right now, shown above every screen: ports that
 * could not be opened (the relay's words say what to do) and a crashed relay.
 */
export function RelayProblems({ state }: { state: RelayState | null }) {
  if (!state) return null;
  const failed = state.listeners.filter((l) => l.status === 'error');
  if (!state.problem && failed.length === 0) return null;
  return (
    <Stack spacing={1} role="region" aria-label="relay problems" sx={{ mb: 3 }}>
      {state.problem && <Alert severity="warning">{state.problem}</Alert>}
      {failed.map((l) => (
        <Alert key={l.port} severity="error">
          {l.error ?? `Port ${l.port} could not be opened.`} Ports are set on the Server screen.
        </Alert>
      ))}
    </Stack>
  );
}
