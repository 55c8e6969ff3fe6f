import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { DnsRecord } from '#api/schemas/common.js';
import { CopyButton } from './CopyButton.js';

/** Every record here is TXT, which holds strings of at most 255 bytes each; a longer value is published as several, which resolvers join. */
const TXT_STRING_MAX = 255;

/** The value as quoted 255-character strings, the form a zone file and some DNS panels want (the values here are ASCII). */
function quotedParts(value: string): string {
  const parts: string[] = [];
  for (let at = 0; at < value.length; at += TXT_STRING_MAX) parts.push(`"${value.slice(at, at + TXT_STRING_MAX)}"`);
  return parts.join(' ');
}

function CopyField({ label, value, what, width }: { label: string; value: string; what: string; width?: number }) {
  return (
    <TextField
      label={label}
      value={value}
      size="small"
      // A DKIM key is some 400 characters: it wraps instead of scrolling out of sight.
      multiline={label.startsWith('Value')}
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
export function DnsRecordFields({ record, title, note }: { record: DnsRecord; title: string; note: string }) {
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
      {record.value.length > TXT_STRING_MAX && (
        <>
          <Typography variant="body2" color="text.secondary">
            This value is longer than the {TXT_STRING_MAX} characters one TXT string holds. Most DNS panels split it for you; if yours asks
            for quoted strings (a zone file, some providers), publish it in parts:
          </Typography>
          <CopyField label="Value in quoted parts" value={quotedParts(record.value)} what={`${title} value in quoted parts`} />
        </>
      )}
    </Stack>
  );
}
