import Alert from '@mui/material/Alert';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import type { ApiClient } from '#api/client.js';
import type { DeliveryState } from '#api/schemas/delivery.js';
import type { RelayStateView } from '../../useRelayState.js';
import { DeliverySection } from './DeliverySection.js';
import { RelayScreen } from './RelayScreen.js';
import { LogsSection } from './LogsSection.js';
import { SecretStorageSection } from './SecretStorageSection.js';
import { StartAtLoginSection } from './StartAtLoginSection.js';

/** The Status screen: the relay's ports and queue, delivery to the upstream, where its secrets' key is, its logs, start at login. */
export function StatusScreen({ client, relay: { state, error }, delivery }: { client: ApiClient; relay: RelayStateView; delivery: DeliveryState | null }) {
  return (
    <Stack spacing={3}>
      {error && <Alert severity="error">Could not reach the Relay Desk host: {error}</Alert>}
      {!error && !state && <CircularProgress aria-label="loading" />}
      {state && <RelayScreen state={state} />}
      {state && <DeliverySection client={client} delivery={delivery} />}
      {state && <SecretStorageSection client={client} />}
      {state && <LogsSection client={client} />}
      {state && <StartAtLoginSection client={client} />}
    </Stack>
  );
}
