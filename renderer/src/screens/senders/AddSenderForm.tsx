import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState, type SyntheticEvent } from 'react';
import { errorField, errorText } from '../../components/errors.js';
import { AddIcon } from '../../components/icons.js';

export interface AddSenderFormProps {
  id: string;
  label: string;
  placeholder: string;
  hint: string;
  /** What to say when Add is pressed with nothing typed. */
  emptyText: string;
  buttonLabel: string;
  /** The API field this input is, so the host's message about it lands under it. */
  field: string;
  onAdd: (value: string) => Promise<void>;
}

/** One text field and an Add button; the host's refusal is shown under the field, the input kept. */
export function AddSenderForm({ id, label, placeholder, hint, emptyText, buttonLabel, field, onAdd }: AddSenderFormProps) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (value.trim() === '') return setFieldError(emptyText);
    setBusy(true);
    setFieldError(null);
    setProblem(null);
    onAdd(value.trim())
      .then(() => setValue(''))
      .catch((err: unknown) => (errorField(err) === field ? setFieldError(errorText(err)) : setProblem(errorText(err))))
      .finally(() => setBusy(false));
  };
  return (
    <Box component="form" onSubmit={submit} noValidate>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          id={id}
          label={label}
          placeholder={placeholder}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setFieldError(null);
          }}
          error={Boolean(fieldError)}
          helperText={fieldError ?? hint}
          size="small"
          fullWidth
          disabled={busy}
        />
        <Button type="submit" variant="contained" startIcon={<AddIcon />} loading={busy} loadingPosition="start" sx={{ flexShrink: 0, height: 40 }}>
          {buttonLabel}
        </Button>
      </Stack>
      {problem && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {problem}
        </Alert>
      )}
    </Box>
  );
}
