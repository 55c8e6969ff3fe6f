import Alert from '@mui/material/Alert';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Container from '@mui/material/Container';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';
import type { ApiClient } from '../../electron/api/client.js';
import type { Connection } from './api/connect.js';
import { RelayStatusChip } from './components/RelayStatusChip.js';
import { RelayScreen } from './screens/RelayScreen.js';
import { UsersScreen } from './screens/users/UsersScreen.js';
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

/** The screens that exist, in the order the navigation shows them. */
const SCREENS = [
  { id: 'status', label: 'Status' },
  { id: 'users', label: 'Users' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

function Connected({ client }: { client: ApiClient }) {
  const { state, error } = useRelayState(client);
  const [screen, setScreen] = useState<ScreenId>('status');
  const nav = (
    <Tabs
      value={screen}
      onChange={(_e, value: ScreenId) => setScreen(value)}
      textColor="inherit"
      indicatorColor="secondary"
      aria-label="screens"
      sx={{ flexGrow: 1 }}
    >
      {SCREENS.map((s) => (
        <Tab key={s.id} value={s.id} label={s.label} id={`tab-${s.id}`} aria-controls="screen" />
      ))}
    </Tabs>
  );
  return (
    <Shell nav={nav} status={<RelayStatusChip state={state} />} wide={screen === 'users'}>
      <Box id="screen" role="tabpanel" aria-labelledby={`tab-${screen}`}>
        {screen === 'status' && (
          <>
            {error && <Alert severity="error">Could not reach the Relay Desk host: {error}</Alert>}
            {!error && !state && <CircularProgress aria-label="loading" />}
            {state && <RelayScreen state={state} />}
          </>
        )}
        {screen === 'users' && <UsersScreen client={client} />}
      </Box>
    </Shell>
  );
}

function Shell({ nav, status, wide, children }: { nav?: ReactNode; status?: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default' }}>
      <AppBar position="static" elevation={0}>
        <Toolbar sx={{ gap: 3 }}>
          <Typography variant="h6" component="h1" sx={nav ? undefined : { flexGrow: 1 }}>
            Relay Desk
          </Typography>
          {nav}
          {status}
        </Toolbar>
      </AppBar>
      <Container maxWidth={wide ? 'lg' : 'md'} component="main" sx={{ py: 4 }}>
        {children}
      </Container>
    </Box>
  );
}
