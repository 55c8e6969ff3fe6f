import Stack from '@mui/material/Stack';
import type { ApiClient } from '#api/client.js';
import { CanSendSection } from './CanSendSection.js';
import { ChecksSection } from './ChecksSection.js';
import { LoginTestSection } from './LoginTestSection.js';
import { TestMessageSection } from './TestMessageSection.js';
import { UpstreamSection } from './UpstreamSection.js';

/** The Troubleshooting screen: the checks an admin would run (as `relay-desk doctor` runs them), and the questions to ask. */
export function TroubleshootingScreen({ client }: { client: ApiClient }) {
  return (
    <Stack spacing={3}>
      <ChecksSection client={client} />
      <CanSendSection client={client} />
      <LoginTestSection client={client} />
      <UpstreamSection client={client} />
      <TestMessageSection client={client} />
    </Stack>
  );
}
