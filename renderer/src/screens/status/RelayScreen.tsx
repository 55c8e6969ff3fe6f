import Alert from '@mui/material/Alert';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { RelayState } from '#api/contract.js';
import { ClearTextLoginWarning } from '../../components/ClearTextLoginWarning.js';

const ENCRYPTION_WORDS = {
  none: 'None',
  starttls: 'STARTTLS offered',
  'starttls-required': 'STARTTLS required',
  tls: 'TLS (implicit)',
} as const;

/** What the relay is doing right now: its ports and its queue. */
export function RelayScreen({ state }: { state: RelayState }) {
  return (
    <Stack spacing={3}>
      <Card variant="outlined">
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            Listening ports
          </Typography>
          {state.listeners.length === 0 ? (
            <Typography color="text.secondary">The relay has not opened any port yet.</Typography>
          ) : (
            <Table size="small" aria-label="listening ports">
              <TableHead>
                <TableRow>
                  <TableCell>Port</TableCell>
                  <TableCell>Address</TableCell>
                  <TableCell>Encryption</TableCell>
                  <TableCell>Status</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {state.listeners.map((l) => (
                  <TableRow key={`${l.address}:${l.port}`}>
                    <TableCell>{l.port}</TableCell>
                    <TableCell>{l.address}</TableCell>
                    <TableCell>{ENCRYPTION_WORDS[l.encryption]}</TableCell>
                    <TableCell>
                      {l.status === 'listening' ? (
                        <Chip size="small" color="success" label="Listening" />
                      ) : (
                        <Alert severity="error" sx={{ py: 0 }}>
                          {l.error}
                        </Alert>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          <Stack spacing={1} sx={{ mt: 1 }}>
            {state.listeners
              .filter((l) => l.clearTextLogins)
              .map((l) => (
                <ClearTextLoginWarning key={`${l.address}:${l.port}`} port={l.port} />
              ))}
          </Stack>
        </CardContent>
      </Card>
      <Card variant="outlined">
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            Queue
          </Typography>
          <Typography aria-label="queued messages">
            {state.queued === 0
              ? 'No messages waiting: everything accepted has been delivered.'
              : `${state.queued} message${state.queued === 1 ? '' : 's'} waiting for delivery.`}
          </Typography>
        </CardContent>
      </Card>
    </Stack>
  );
}
