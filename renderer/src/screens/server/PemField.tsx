import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useRef, useState } from 'react';
import type { Action } from '../../components/useAction.js';

export interface PemFieldProps {
  /** The dialog's call: its error for `field` shows here, and the field waits while it runs. */
  action: Action;
  field: string;
  id: string;
  label: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
}

/** A PEM text area with a file picker beside it; the file is read here, in the page, and shown before anything is sent. */
export function PemField({ action, field, id, label, placeholder, value, onChange }: PemFieldProps) {
  const picker = useRef<HTMLInputElement>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const change = (text: string) => {
    onChange(text);
    action.clear(field);
  };
  const pick = (file: File | undefined) => {
    if (!file) return;
    setReadError(null);
    file.text().then(change, () => setReadError(`${file.name} could not be read; choose it again or paste its text.`));
  };
  const message = action.errors[field] ?? readError;
  const disabled = action.busy;
  return (
    <Stack spacing={1}>
      <TextField
        id={id}
        label={label}
        placeholder={placeholder}
        value={value}
        onChange={(e) => change(e.target.value)}
        error={Boolean(message)}
        helperText={message ?? ' '}
        disabled={disabled}
        multiline
        minRows={4}
        maxRows={6}
        fullWidth
        slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: 'monospace', fontSize: '0.8rem' } } }}
      />
      <div>
        <input
          ref={picker}
          type="file"
          accept=".pem,.crt,.cer,.key,text/plain"
          hidden
          onChange={(e) => {
            pick(e.target.files?.[0]);
            // The same file may be chosen again after it was edited on disk.
            e.target.value = '';
          }}
        />
        <Button size="small" variant="outlined" disabled={disabled} onClick={() => picker.current?.click()}>
          {`Read ${label.toLowerCase()} from a file…`}
        </Button>
      </div>
    </Stack>
  );
}
