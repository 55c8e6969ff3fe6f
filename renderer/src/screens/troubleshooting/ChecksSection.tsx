import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { DoctorReport } from '#api/schemas/doctor.js';
import { ActionProblem } from '../../components/ActionProblem.js';
import { BusyBar } from '../../components/BusyBar.js';
import { Section } from '../../components/Section.js';
import { useAction } from '../../components/useAction.js';
import { CheckItem } from './CheckItem.js';

const NO_FIELDS: readonly string[] = [];
/** Every check that needs no input, run when the screen opens and again on request. */
export function ChecksSection({ client }: { client: ApiClient }) {
  const [report, setReport] = useState<DoctorReport | null>(null);
  const action = useAction(NO_FIELDS);
  const { run } = action;
  const runChecks = useCallback(() => run(async () => setReport(await client.call('doctor.run', {}))), [client, run]);
  useEffect(() => void runChecks(), [runChecks]);
  const problems = report?.checks.filter((c) => c.status === 'problem').length ?? 0;
  return (
    <Section
      id="checks-title"
      title="Checks"
      intro="The relay, each port on every address of this computer, the firewall, the certificate, the smarthost and the DNS records of each verified domain, checked as a device, the relay or a receiving server would meet them."
      bar={<BusyBar busy={action.busy} label="Running the checks" />}
    >
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
        <Button variant="contained" disabled={action.busy} onClick={() => void runChecks()}>
          Run the checks again
        </Button>
        {report && (
          <Typography role="status">
            {problems === 0 ? 'No problem found.' : `${problems} problem${problems === 1 ? '' : 's'} found.`} Checked at{' '}
            {new Date(report.ranAt).toLocaleTimeString()}.
          </Typography>
        )}
      </Stack>
      {report && (
        <Stack component="ul" spacing={1} sx={{ listStyle: 'none', m: 0, p: 0 }} aria-label="check results">
          {report.checks.map((check) => (
            <CheckItem key={check.id} check={check} />
          ))}
        </Stack>
      )}
      <ActionProblem problem={action.problem} />
    </Section>
  );
}
