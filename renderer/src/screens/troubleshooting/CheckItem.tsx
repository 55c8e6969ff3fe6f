import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { DoctorCheck } from '#api/schemas/doctor.js';
import { DnsRecordFields } from '../../components/DnsRecordFields.js';

const SEVERITY = { ok: 'success', warning: 'warning', problem: 'error' } as const;
const WORD = { ok: 'OK', warning: 'Warning', problem: 'Problem' } as const;

/** One check's finding, what to do, and what was seen on the way (folded). */
export function CheckItem({ check, inList = true }: { check: DoctorCheck; inList?: boolean }) {
  return (
    <Alert severity={SEVERITY[check.status]} component={inList ? 'li' : 'div'} role={inList ? 'listitem' : 'status'} aria-label={`${check.title}: ${WORD[check.status]}`}>
      <AlertTitle>
        {check.title}: {WORD[check.status]}
      </AlertTitle>
      <Typography variant="body2">{check.summary}</Typography>
      {check.fix && (
        <Typography variant="body2" sx={{ mt: 0.5 }}>
          <strong>What to do:</strong> {check.fix}
        </Typography>
      )}
      {check.publish?.map((record) => (
        <Box key={`${record.name} ${record.value}`} sx={{ mt: 1.5 }}>
          <DnsRecordFields record={record} title={`Record to publish for ${check.title}`} note="publish it at your DNS provider, then run the checks again." />
        </Box>
      ))}
      {check.details.length > 0 && (
        <Box component="details" sx={{ mt: 0.5 }}>
          <summary>What was seen</summary>
          <Box component="ul" sx={{ m: 0, pl: 2, fontFamily: 'monospace', fontSize: '0.8rem', overflowWrap: 'anywhere' }}>
            {check.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </Box>
        </Box>
      )}
    </Alert>
  );
}
