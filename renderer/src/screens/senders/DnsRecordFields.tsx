import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { DomainView } from '../../../../electron/api/schemas/senders.js';
import { CopyButton } from '../../components/CopyButton.js';

type DnsRecord = DomainView['records'][number];

const TITLES = { verification: 'Verification record', dkim: 'DKIM record' } as const;

function CopyField({ label, value, what, width }: { label: string; value: string; what: string; width?: number }) {
  return (
    <TextField
      label={label}
      value={value}
      size="small"
      // A DKIM key is some 400 characters: it wraps instead of scrolling out of sight.
      multiline={label === 'Value'}
      fullWidth={!width}
      sx={width ? { width, flexShrink: 0 } : undefined}
      slotProps={{
        htmlInput: { readOnly: true, style: { fontFamily: 'monospace', wordBreak: 'break-all' } },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <CopyButton text={value} what={what} />
            </InputAdornment>
          ),
        },
      }}
    />
  );
}

/** One DNS record to publish, each part in a read-only field with its own copy button. */
export function DnsRecordFields({ record, note }: { record: DnsRecord; note: string }) {
  const title = TITLES[record.purpose];
  return (
    <Stack spacing={1} role="group" aria-label={title}>
      <Typography variant="body2">
        <strong>{title}</strong> — {note}
      </Typography>
      <Stack direction="row" spacing={1}>
        <CopyField label="Type" value={record.type} what={`${title} type`} width={110} />
        <CopyField label="Name" value={record.name} what={`${title} name`} />
      </Stack>
      <CopyField label="Value" value={record.value} what={`${title} value`} />
    </Stack>
  );
}
