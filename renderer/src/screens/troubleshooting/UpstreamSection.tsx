import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type SyntheticEvent } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DoctorCheck } from '#api/schemas/doctor.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { CheckItem } from './CheckItem.js';

const FIELDS = ['domain', 'from'] as const;

/** The upstream tried up to MAIL FROM and RSET: the smarthost, or a domain's MX hosts for direct delivery. */
export function UpstreamSection({ client }: { client: ApiClient }) {
  const [domain, setDomain] = useState('');
  const [from, setFrom] = useState('');
  const [check, setCheck] = useState<DoctorCheck | null>(null);
  const action = useAction(FIELDS);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    setCheck(null);
    const input = { ...(domain.trim() ? { domain: domain.trim() } : {}), ...(from.trim() ? { from: from.trim() } : {}) };
    void action.run(async () => setCheck(await client.call('doctor.upstream', input)));
  };
  return (
    <Section
      id="upstream-title"
      title="Try the upstream"
      intro="Connects to the smarthost (or, with direct delivery, to the domain's mail server) as the relay would, logs in, and asks whether it takes mail from the sender, then resets: nothing is sent."
    >
      <Stack component="form" direction={{ xs: 'column', sm: 'row' }} spacing={1} onSubmit={submit} sx={{ alignItems: 'flex-start' }}>
        <TextField
          label="Domain (direct delivery)"
          size="small"
          value={domain}
          onChange={(e) => setDomain(e.target.value)}
          error={Boolean(action.errors.domain)}
          helperText={action.errors.domain}
        />
        <TextField
          label="Sender (optional)"
          size="small"
          value={from}
          onChange={(e) => setFrom(e.target.value)}
          error={Boolean(action.errors.from)}
          helperText={action.errors.from}
        />
        <Button type="submit" variant="outlined" disabled={action.busy}>
          Try
        </Button>
      </Stack>
      <ActionProblem problem={action.problem} />
      {check && (
        <Box sx={{ mt: 2 }}>
          <CheckItem check={check} inList={false} />
        </Box>
      )}
    </Section>
  );
}
