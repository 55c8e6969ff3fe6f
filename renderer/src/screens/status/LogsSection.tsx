import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback } from 'react';
import type { ApiClient } from '#api/client.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { CopyButton } from '../../components/CopyButton.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { useApiData } from '../../components/useApiData.js';

const NO_FIELDS: readonly string[] = [];

/** Where the host and the relay write their logs; in the desktop app, a button that opens the folder. */
export function LogsSection({ client }: { client: ApiClient }) {
  const load = useCallback(() => client.call('logs.location', {}), [client]);
  const { value, error } = useApiData(load);
  const action = useAction(NO_FIELDS);
  return (
    <Section id="logs-title" title="Logs" intro="What the host and the relay did and what went wrong, in host.log and relay.log.">
      {error && <Alert severity="error">Where the logs are could not be read: {error}</Alert>}
      {value && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }} useFlexGap>
          <Typography component="span">Folder:</Typography>
          <Box component="code" sx={{ fontFamily: 'monospace', fontSize: '0.85rem', overflowWrap: 'anywhere' }}>
            {value.folder}
          </Box>
          <CopyButton text={value.folder} what="the logs folder" />
          {value.canOpen && (
            <Button variant="outlined" disabled={action.busy} onClick={() => void action.run(async () => { await client.call('logs.open', {}); })}>
              Open log folder
            </Button>
          )}
        </Stack>
      )}
      <ActionProblem problem={action.problem} />
    </Section>
  );
}
