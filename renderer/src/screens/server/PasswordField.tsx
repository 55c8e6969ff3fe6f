import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { PasswordChange } from './smarthostForm.js';

export interface PasswordFieldProps {
  /** Whether the host has a password stored; it is never sent back. */
  stored: boolean;
  value: PasswordChange;
  error: string | undefined;
  disabled: boolean;
  onChange: (value: PasswordChange) => void;
}

/** The smarthost password: a stored one is only said to exist, with a way to replace or remove it. */
export function PasswordField({ stored, value, error, disabled, onChange }: PasswordFieldProps) {
  if (value.kind === 'replace') {
    return (
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <TextField
          id="smarthost-password"
          label={stored ? 'New password' : 'Password'}
          type="password"
          autoComplete="new-password"
          value={value.text}
          onChange={(e) => onChange({ kind: 'replace', text: e.target.value })}
          error={Boolean(error)}
          helperText={error ?? (stored ? 'Replaces the stored password when you save.' : 'Leave empty if the server needs no login.')}
          disabled={disabled}
          size="small"
          sx={{ width: 300 }}
        />
        {stored && (
          <Button onClick={() => onChange({ kind: 'keep' })} disabled={disabled} sx={{ mt: 0.5 }}>
            Keep the stored password
          </Button>
        )}
      </Stack>
    );
  }
  const removing = value.kind === 'remove';
  return (
    <Stack spacing={0.5}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography id="smarthost-password-state" color={removing ? 'warning.main' : undefined}>
          {removing ? 'The stored password is removed when you save.' : 'A password is stored (it is never shown).'}
        </Typography>
        {removing ? (
          <Button onClick={() => onChange({ kind: 'keep' })} disabled={disabled}>
            Keep it
          </Button>
        ) : (
          <>
            <Button onClick={() => onChange({ kind: 'replace', text: '' })} disabled={disabled}>
              Replace password
            </Button>
            <Button color="error" onClick={() => onChange({ kind: 'remove' })} disabled={disabled}>
              Remove password
            </Button>
          </>
        )}
      </Stack>
      {error && (
        <Typography color="error" variant="body2">
          {error}
        </Typography>
      )}
    </Stack>
  );
}
