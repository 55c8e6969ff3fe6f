import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import { useCallback, useEffect } from 'react';
import type { ApiClient } from '#api/client.js';
import { useApiData } from '../../components/useApiData.js';
import { ChannelsSection } from './ChannelsSection.js';
import { HistorySection } from './HistorySection.js';
import { RulesSection } from './RulesSection.js';

/** The alert center: rules (for every list, or the chosen list's own), channels with a test button, and the history of alerts sent. */
export function AlertsScreen({ client, list, onOpenMessage }: { client: ApiClient; list: string; onOpenMessage: (id: string) => void }) {
  const view = useApiData(useCallback(() => client.call('alerts.get', {}), [client]));
  const history = useApiData(useCallback(() => client.call('alerts.history', { limit: 100 }), [client]));
  // Each alert sent is added at the top as it is recorded.
  const setHistory = history.set;
  useEffect(() => client.on('alert.sent', (entry) => setHistory((h) => ({ entries: [entry, ...(h?.entries ?? [])].slice(0, 100) }))), [client, setHistory]);
  const error = view.error ?? history.error;
  return (
    <Stack spacing={2}>
      {error && <Alert severity="error">{error}</Alert>}
      {view.value && (
        <>
          <RulesSection client={client} view={view.value} list={list} onView={(v) => view.set(() => v)} />
          <ChannelsSection
            client={client}
            view={view.value}
            onChanged={view.reload}
          />
        </>
      )}
      <HistorySection entries={history.value?.entries ?? []} onOpenMessage={onOpenMessage} />
    </Stack>
  );
}
