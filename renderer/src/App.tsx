import Alert from '@mui/material/Alert';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Container from '@mui/material/Container';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DeliveryState } from '#api/schemas/delivery.js';
import type { MessageFilter } from '#api/schemas/messages.js';
import type { QueueState } from '#api/schemas/queue.js';
import type { Connection } from './api/connect.js';
import { RelayProblems } from './components/RelayProblems.js';
import { RelayStatusChip } from './components/RelayStatusChip.js';
import { ALL_LISTS, ListChooser } from './lists/ListChooser.js';
import { useLists, type ListsData } from './lists/useLists.js';
import { AlertsScreen } from './screens/alerts/AlertsScreen.js';
import { MessagesScreen } from './screens/messages/MessagesScreen.js';
import { MessagePropertiesScreen } from './screens/properties/MessagePropertiesScreen.js';
import { StatusScreen } from './screens/status/StatusScreen.js';
import { SendersScreen } from './screens/senders/SendersScreen.js';
import { ServerScreen } from './screens/server/ServerScreen.js';
import { TroubleshootingScreen } from './screens/troubleshooting/TroubleshootingScreen.js';
import { UsersScreen } from './screens/users/UsersScreen.js';
import { theme } from './theme.js';
import { useAlertNotifications } from './useAlertNotifications.js';
import { useDeliveryState } from './useDeliveryState.js';
import { useOAuthStatus, type OAuthStatusView } from './useOAuthStatus.js';
import { useQueueState } from './useQueueState.js';
import { useRelayState, type RelayStateView } from './useRelayState.js';

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

// The charts library is most of its weight: loaded the first time the screen is opened.
const StatisticsScreen = lazy(() => import('./screens/statistics/StatisticsScreen.js').then((m) => ({ default: m.StatisticsScreen })));

/** What every screen may use: the API, the list chosen at the top, the relay's live state and how its delivery goes. */
interface ScreenContext {
  client: ApiClient;
  list: string;
  lists: ListsData;
  relay: RelayStateView;
  delivery: DeliveryState | null;
  queue: { state: QueueState | null; set: (state: QueueState) => void };
  /** The smarthost's OAuth sign-in, shown in the app bar when it needs the admin. */
  oauth: OAuthStatusView;
  /** A statistics group the Messages screen is narrowed to (null: none), and how to change it. */
  group: MessageFilter['group'] | null;
  openGroup: (group: MessageFilter['group'] | null) => void;
  /** A message an alert is about: the Messages screen opened searching for its queue id. */
  messageSearch: string;
  openMessage: (id: string) => void;
}

interface Screen {
  id: string;
  label: string;
  wide?: boolean;
  /** Whether the screen works within the list chosen at the top (senders and the server are shared by every list). */
  usesList?: boolean;
  render: (c: ScreenContext) => ReactNode;
}

/** The screens that exist, in the order the navigation shows them; the first opens at start. */
const SCREENS: [Screen, ...Screen[]] = [
  { id: 'status', label: 'Status', render: ({ client, relay, delivery }) => <StatusScreen client={client} relay={relay} delivery={delivery} /> },
  {
    id: 'users',
    label: 'Users',
    wide: true,
    usesList: true,
    render: ({ client, list, lists }) => <UsersScreen client={client} list={list} lists={lists} />,
  },
  {
    id: 'messages',
    label: 'Messages',
    wide: true,
    usesList: true,
    render: ({ client, list, queue, group, openGroup, messageSearch }) => (
      <MessagesScreen
        key={messageSearch}
        client={client}
        list={list}
        queue={queue.state}
        onQueue={queue.set}
        group={group}
        onClearGroup={() => openGroup(null)}
        search={messageSearch}
      />
    ),
  },
  {
    id: 'statistics',
    label: 'Statistics',
    wide: true,
    usesList: true,
    render: ({ client, list, openGroup }) => (
      <Suspense fallback={<Typography>Loading…</Typography>}>
        <StatisticsScreen client={client} list={list} onOpenGroup={(filter) => openGroup(filter.group ?? null)} />
      </Suspense>
    ),
  },
  { id: 'properties', label: 'Properties', usesList: true, render: ({ client, list }) => <MessagePropertiesScreen client={client} list={list} /> },
  { id: 'senders', label: 'Senders', render: ({ client }) => <SendersScreen client={client} /> },
  { id: 'server', label: 'Server', render: ({ client, relay, oauth }) => <ServerScreen client={client} relay={relay} oauth={oauth} /> },
  { id: 'troubleshooting', label: 'Troubleshooting', render: ({ client }) => <TroubleshootingScreen client={client} /> },
  { id: 'alerts', label: 'Alerts', usesList: true, render: ({ client, list, openMessage }) => <AlertsScreen client={client} list={list} onOpenMessage={openMessage} /> },
];

function Connected({ client }: { client: ApiClient }) {
  const relay = useRelayState(client);
  const delivery = useDeliveryState(client);
  const queue = useQueueState(client);
  const oauth = useOAuthStatus(client);
  const lists = useLists(client);
  const [list, setList] = useState(ALL_LISTS);
  const [screenId, setScreenId] = useState(SCREENS[0].id);
  const [group, setGroup] = useState<MessageFilter['group'] | null>(null);
  const openGroup = (next: MessageFilter['group'] | null) => {
    setGroup(next);
    if (next) setScreenId('messages');
  };
  const [messageSearch, setMessageSearch] = useState('');
  const openMessage = (id: string) => {
    setMessageSearch(id);
    setScreenId('messages');
  };
  useAlertNotifications(client);
  const screen = SCREENS.find((s) => s.id === screenId) ?? SCREENS[0];
  const nav = (
    <Tabs
      value={screen.id}
      onChange={(_e, value: string) => setScreenId(value)}
      textColor="inherit"
      indicatorColor="secondary"
      aria-label="screens"
      // On a narrow window, or beside a long status chip, the tabs scroll rather than cut the last ones off.
      variant="scrollable"
      scrollButtons="auto"
      // MUI dims unselected tabs to 60% opacity, too faint on the app bar (WCAG contrast); the indicator and weight mark the selected one.
      sx={{ flexGrow: 1, '& .MuiTab-root': { opacity: 1 }, '& .Mui-selected': { fontWeight: 700 } }}
    >
      {SCREENS.map((s) => (
        <Tab key={s.id} value={s.id} label={s.label} id={`tab-${s.id}`} aria-controls="screen" />
      ))}
    </Tabs>
  );
  const status = (
    <RelayStatusChip
      state={relay.state}
      delivery={delivery}
      paused={queue.state?.paused ?? false}
      onSignInAgain={oauth.status?.state === 'sign-in-again' ? () => setScreenId('server') : null}
    />
  );
  const listBar = screen.usesList ? <ListChooser client={client} lists={lists} value={list} onChange={setList} /> : undefined;
  return (
    <Shell nav={nav} status={status} listBar={listBar} wide={screen.wide}>
      <RelayProblems state={relay.state} />
      <Box id="screen" role="tabpanel" aria-labelledby={`tab-${screen.id}`}>
        {screen.render({ client, list, lists, relay, delivery, queue, oauth, group, openGroup, messageSearch, openMessage })}
      </Box>
    </Shell>
  );
}

interface ShellProps {
  nav?: ReactNode;
  status?: ReactNode;
  listBar?: ReactNode;
  wide?: boolean;
  children: ReactNode;
}

function Shell({ nav, status, listBar, wide, children }: ShellProps) {
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
      {listBar && (
        <Box component="nav" aria-label="current list" sx={{ borderBottom: 1, borderColor: 'divider', bgcolor: 'background.paper' }}>
          <Container maxWidth={wide ? 'xl' : 'md'} sx={{ py: 1.5 }}>
            {listBar}
          </Container>
        </Box>
      )}
      <Container maxWidth={wide ? 'xl' : 'md'} component="main" sx={{ py: 4 }}>
        {children}
      </Container>
    </Box>
  );
}
