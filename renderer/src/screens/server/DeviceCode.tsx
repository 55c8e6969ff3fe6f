import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { CopyButton } from '../../components/CopyButton.js';

export interface DeviceSignIn {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  expiresAt: string;
}

/** The device sign-in's code (RFC 8628), large enough to read across a desk, and where to enter it. */
export function DeviceCode({ signIn }: { signIn: DeviceSignIn }) {
  return (
    <Paper variant="outlined" sx={{ p: 2 }} role="region" aria-label="sign-in code">
      <Stack spacing={1}>
        <Typography>
          On any computer or phone, open{' '}
          <Link href={signIn.verificationUri} target="_blank" rel="noopener">
            {signIn.verificationUri}
          </Link>
          , enter this code and sign in as the relay&apos;s mailbox:
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography component="code" aria-label="code to enter" sx={{ fontFamily: 'monospace', fontSize: '2rem', fontWeight: 700, letterSpacing: '0.15em' }}>
            {signIn.userCode}
          </Typography>
          <CopyButton text={signIn.userCode} what="the code" />
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {`The code works until ${new Date(signIn.expiresAt).toLocaleTimeString()}. This page shows when the sign-in is done.`}
        </Typography>
      </Stack>
    </Paper>
  );
}
