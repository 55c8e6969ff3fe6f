import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { UpstreamView } from '#api/schemas/server.js';
import { Section } from '../../components/Section.js';
import { DirectForm } from './DirectForm.js';
import type { OAuthStatusView } from '../../useOAuthStatus.js';
import { SmarthostLogin } from './SmarthostLogin.js';

type Mode = 'smarthost' | 'mx';

function summary(upstream: UpstreamView): { severity: 'info' | 'warning'; text: string } {
  switch (upstream.mode) {
    case 'none':
      return { severity: 'warning', text: 'No upstream is set: accepted mail waits in the queue until you choose one below.' };
    case 'smarthost':
      return {
        severity: 'info',
        text: `Mail is handed to the smarthost ${upstream.host}:${upstream.port}${upstream.oauth ? `, signed in with OAuth 2.0 as ${upstream.user ?? 'the mailbox'}` : ''}.`,
      };
    case 'mx':
      return { severity: 'info', text: `Mail is delivered directly to the recipients' mail servers, on port ${upstream.port}.` };
  }
}

export interface UpstreamSectionProps {
  client: ApiClient;
  upstream: UpstreamView;
  oauth: OAuthStatusView;
  onSaved: (view: UpstreamView) => void;
}

/** Where accepted mail goes next: a smarthost, or the recipients' own servers. */
export function UpstreamSection({ client, upstream, oauth, onSaved }: UpstreamSectionProps) {
  // Choosing the other way only shows its form; nothing changes until it is saved.
  const [mode, setMode] = useState<Mode>(upstream.mode === 'mx' ? 'mx' : 'smarthost');
  const now = summary(upstream);
  return (
    <Section id="upstream-title" title="Upstream" intro="Where the relay sends the mail it accepted.">
      <Stack spacing={2}>
        <Alert severity={now.severity} role="status" aria-label="current upstream">
          {now.text}
        </Alert>
        <RadioGroup row aria-label="How mail leaves this computer" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
          <FormControlLabel value="smarthost" control={<Radio />} label="Through a smarthost (your provider's SMTP server)" />
          <FormControlLabel value="mx" control={<Radio />} label="Direct delivery to the recipients' servers" />
        </RadioGroup>
        {mode === 'smarthost' ? (
          <SmarthostLogin client={client} upstream={upstream} oauth={oauth} onSaved={onSaved} />
        ) : (
          <DirectForm client={client} upstream={upstream} onSaved={onSaved} />
        )}
      </Stack>
    </Section>
  );
}
