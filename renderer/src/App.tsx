import Alert from '@mui/material/Alert';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Container from '@mui/material/Container';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { ApiClient } from '../../electron/api/client.js';
import type { Connection } from './api/connect.js';
import { RelayStatusChip } from './components/RelayStatusChip.js';
import { RelayScreen } from './screens/RelayScreen.js';
import { theme } from './theme.js';
import { useRelayState } from './useRelayState.js';

export function App({ connection }: { connection: Connection }) {
  return (
    <ThemeProvider theme={theme} defaultMode="system">
      <CssBaseline />
      {'client' in connection ? (
        <Connected client={connection.client} />
      ) : (
        <Shell>
          <Alert severity="error">{connection.problem}</Alert>
        </Shell>
      )}
    </ThemeProvider>
  );
}

function Connected({ client }: { client: ApiClient }) {
  const { state, error } = useRelayState(client);
  return (
    <Shell status={<RelayStatusChip state={state} />}>
      {error && <Alert severity="error">Could not reach the Relay Desk host: {error}</Alert>}
      {!error && !state && <CircularProgress aria-label="loading" />}
      {state && <RelayScreen state={state} />}
    </Shell>
  );
}

function Shell({ status, children }: { status?: ReactNode; children: ReactNode }) {
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" elevation={0}>
        <Toolbar sx={{ gap: 2 }}>
          <Typography variant="h6" component="h1" sx={{ flexGrow: 1 }}>
            Relay Desk
          </Typography>
          {status}
        </Toolbar>
      </AppBar>
      <Container maxWidth="md" component="main" sx={{ py: 4 }}>
        {children}
      </Container>
    </Box>
  );
}
