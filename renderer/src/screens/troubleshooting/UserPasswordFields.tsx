import TextField from '@mui/material/TextField';
import type { FieldErrors } from '../../components/useAction.js';

interface Props {
  user: string;
  password: string;
  onUser: (user: string) => void;
  onPassword: (password: string) => void;
  errors: FieldErrors;
}

/** The SMTP user and password a troubleshooting form tries; the browser is not asked to remember the password. */
export function UserPasswordFields({ user, password, onUser, onPassword, errors }: Props) {
  return (
    <>
      <TextField label="SMTP user" size="small" value={user} onChange={(e) => onUser(e.target.value)} error={Boolean(errors.user)} helperText={errors.user} required />
      <TextField
        label="Password"
        type="password"
        size="small"
        autoComplete="off"
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        error={Boolean(errors.password)}
        helperText={errors.password}
        required
      />
    </>
  );
}
