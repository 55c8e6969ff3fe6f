import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import type { ApiClient } from '#api/client.js';
import { AddressesSection } from './AddressesSection.js';
import { DomainsSection } from './DomainsSection.js';
import { useSendersData } from './useSendersData.js';

/** Verified senders: the domains and addresses SMTP users may be authorized to send as, shared by every list. */
export function SendersScreen({ client }: { client: ApiClient }) {
  const data = useSendersData(client);
  return (
    <Stack spacing={3}>
      {data.error && <Alert severity="error">Could not load the senders: {data.error}. Check that Relay Desk is running, then reload.</Alert>}
      <DomainsSection client={client} data={data} />
      <AddressesSection client={client} data={data} />
    </Stack>
  );
}
