import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DeliveryState } from '#api/schemas/delivery.js';
import { BusyBar } from '../../components/BusyBar.js';
import { errorText } from '../../components/errors.js';
import { Section } from '../../components/Section.js';
import { moment } from './moment.js';

function upstreamWords(upstream: DeliveryState['upstream']): string {
  switch (upstream.mode) {
    case 'none':
      return 'None set: accepted mail waits until you choose one on the Server screen.';
    case 'smarthost':
      return `Smarthost ${upstream.host}:${upstream.port}`;
    case 'mx':
      return `Direct to the recipients' mail servers, on port ${upstream.port}`;
  }
}

const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline' }}>
      <Typography component="dt" color="text.secondary" sx={{ width: 150, flexShrink: 0 }}>
        {label}
      </Typography>
      <Typography component="dd" sx={{ m: 0, minWidth: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Stack>
  );
}

/** The upstream and how handing mail to it is going: the last delivery, the last failure with the server's answer, the next attempt. */
export function DeliverySection({ client, delivery }: { client: ApiClient; delivery: DeliveryState | null }) {
  const [retrying, setRetrying] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!delivery) return null;
  const { upstream, failing, lastDelivery, lastFailure, waiting, nextAttemptAt } = delivery;

  const retry = () => {
    setRetrying(true);
    setProblem(null);
    client
      .call('delivery.retryNow', {})
      .catch((err: unknown) => setProblem(errorText(err)))
      .finally(() => setRetrying(false));
  };

  return (
    <Section id="delivery-title" title="Delivery" bar={<BusyBar busy={retrying} label="asking the relay to retry" />}>
      <Stack spacing={2} sx={{ mt: 1 }}>
        {failing && (
          <Alert severity="warning" role="status" aria-label="delivery failing">
            Delivery is failing: {messages(waiting)} wait{waiting === 1 ? 's' : ''} for the upstream. The last error is below
            {nextAttemptAt ? `; the relay tries again at ${moment(nextAttemptAt)}` : ''}.
          </Alert>
        )}
        <Stack component="dl" spacing={0.75} sx={{ my: 0 }} aria-label="delivery state">
          <Row label="Upstream">{upstreamWords(upstream)}</Row>
          <Row label="Last delivery">
            {lastDelivery
              ? `${moment(lastDelivery.at)}${lastDelivery.response ? `: ${lastDelivery.response}` : ''}`
              : 'None recorded.'}
          </Row>
          <Row label="Last error">{lastFailure ? `${moment(lastFailure.at)}: ${lastFailure.error}` : 'None'}</Row>
          <Row label="Next attempt">
            {waiting === 0 ? 'Nothing waits for another attempt.' : nextAttemptAt ? `${moment(nextAttemptAt)} (${messages(waiting)} waiting)` : `Now (${messages(waiting)} waiting)`}
          </Row>
        </Stack>
        {waiting > 0 && (
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <Button variant="outlined" onClick={retry} disabled={retrying}>
              Retry now
            </Button>
            <Typography variant="body2" color="text.secondary">
              Once the upstream works again, the waiting mail goes out at once instead of at its next attempt.
            </Typography>
          </Stack>
        )}
        {problem && <Alert severity="error">{problem}</Alert>}
      </Stack>
    </Section>
  );
}
