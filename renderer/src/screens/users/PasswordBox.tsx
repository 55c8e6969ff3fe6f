import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef } from 'react';
import { CopyButton } from '../../components/CopyButton.js';

/** The password right after it was made: shown this once, with a copy button. */
export function PasswordBox({ password }: { password: string }) {
  const box = useRef<HTMLDivElement>(null);
  // The admin may have scrolled down the form before saving; the new password must not stay out of sight.
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, [password]);
  return (
    <Alert ref={box} severity="warning" icon={false} aria-label="new password">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography component="span" sx={{ fontWeight: 600 }}>
          Password
        </Typography>
        <Typography component="code" data-testid="password" sx={{ fontFamily: 'monospace', fontSize: '1.1rem', userSelect: 'all' }}>
          {password}
        </Typography>
        <CopyButton text={password} what="password" />
      </Stack>
      <Typography variant="body2">
        Copy it now: you will not see it again. Lost it? Reset the password to make a new one.
      </Typography>
    </Alert>
  );
}
