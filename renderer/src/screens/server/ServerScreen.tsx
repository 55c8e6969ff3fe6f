import Alert from '@mui/material/Alert';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import type { ApiClient } from '#api/client.js';
import type { OAuthStatusView } from '../../useOAuthStatus.js';
import type { RelayStateView } from '../../useRelayState.js';
import { CertificateSection } from './CertificateSection.js';
import { LimitsSection } from './LimitsSection.js';
import { ListenersSection } from './ListenersSection.js';
import { UpstreamSection } from './UpstreamSection.js';
import { useServerData } from './useServerData.js';

/** The relay's ports and their encryption, its certificate, where mail goes next, and its limits. */
export function ServerScreen({ client, relay, oauth }: { client: ApiClient; relay: RelayStateView; oauth: OAuthStatusView }) {
  const data = useServerData(client);
  if (data.error) return <Alert severity="error">Could not load the server settings: {data.error}</Alert>;
  if (!data.server || !data.upstream) return <CircularProgress aria-label="loading the server settings" />;
  return (
    <Stack spacing={3}>
      <ListenersSection client={client} server={data.server} state={relay.state} onSaved={data.setServer} />
      <CertificateSection client={client} server={data.server} onSaved={data.setServer} />
      <UpstreamSection client={client} upstream={data.upstream} oauth={oauth} onSaved={data.setUpstream} />
      <LimitsSection client={client} server={data.server} onSaved={data.setServer} />
    </Stack>
  );
}
