import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { OAuthStatus } from '#api/schemas/oauth.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { errorText } from '../../components/errors.js';
import { DeviceCode, type DeviceSignIn } from './DeviceCode.js';

/** A sign-in started and not yet finished: the device code to enter, or the browser page it waits on. */
type Pending = ({ flow: 'device' } & DeviceSignIn) | { flow: 'browser'; authorizationUrl: string; expiresAt: string };

export interface OAuthSignInPanelProps {
  client: ApiClient;
  status: OAuthStatus;
  onStatus: (status: OAuthStatus) => void;
  /** The sign-out also forgot the app's stored credential, which the form says it keeps. */
  onSignedOut: () => void;
}

/** The host's words end as a sentence, so the next one does not run on. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function StateLine({ status }: { status: OAuthStatus }) {
  const until = status.expiresAt ? new Date(status.expiresAt).toLocaleString() : null;
  switch (status.state) {
    case 'signed-in':
      return (
        <Alert severity="success" role="status" aria-label="sign-in state">
          <AlertTitle>{`Signed in as ${status.account ?? status.user ?? 'the mailbox'}`}</AlertTitle>
          {until ? `The token is valid until ${until}; the relay renews it before then.` : 'The relay fetches a token when it next sends.'}
        </Alert>
      );
    case 'sign-in-again':
      return (
        <Alert severity="warning" role="status" aria-label="sign-in state">
          <AlertTitle>Sign in again</AlertTitle>
          {`The provider no longer accepts the sign-in${status.problem ? `: ${sentence(status.problem)}` : '.'} Mail waits in the queue, nothing is lost, until the mailbox signs in again.`}
        </Alert>
      );
    default:
      return (
        <Alert severity="info" role="status" aria-label="sign-in state">
          <AlertTitle>Not signed in</AlertTitle>
          {`Mail waits in the queue until ${status.user ?? 'the mailbox'} signs in.${status.problem ? ` ${sentence(status.problem)}` : ''}`}
        </Alert>
      );
  }
}

/** Whether the mailbox is signed in to the provider, and the buttons that sign in and out. */
export function OAuthSignInPanel({ client, status, onStatus, onSignedOut }: OAuthSignInPanelProps) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  // The host tells the end of a sign-in (done, denied or expired) with the upstream.oauth event, which brings a new status.
  useEffect(() => setPending(null), [status]);

  const signIn = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const started = await client.call('upstream.oauthSignIn', {});
      if (started.flow === 'app') onStatus(started.status);
      else if (started.flow === 'device') setPending(started);
      else {
        // Outside the desktop app the host cannot open the system browser: this page does.
        if (!started.opened) window.open(started.authorizationUrl, '_blank', 'noopener');
        setPending({ flow: 'browser', authorizationUrl: started.authorizationUrl, expiresAt: started.expiresAt });
      }
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    onStatus(await client.call('upstream.oauthSignOut', {}));
    setConfirming(false);
    onSignedOut();
  };

  const again = status.state === 'sign-in-again';
  return (
    <Stack spacing={2} role="region" aria-label="OAuth sign-in">
      <StateLine status={status} />
      {pending?.flow === 'device' && <DeviceCode signIn={pending} />}
      {pending?.flow === 'browser' && (
        <Alert severity="info" role="status" aria-label="sign-in in progress">
          <AlertTitle>Finish signing in in your browser</AlertTitle>
          <Typography variant="body2">
            {`Sign in as ${status.user ?? 'the relay\u2019s mailbox'} on the provider's page and allow the access. If no page opened, `}
            <a href={pending.authorizationUrl} target="_blank" rel="noopener noreferrer">
              open the sign-in page
            </a>
            {`. The sign-in can be finished until ${new Date(pending.expiresAt).toLocaleTimeString()}.`}
          </Typography>
        </Alert>
      )}
      {problem && <Alert severity="error">{problem}</Alert>}
      <Stack direction="row" spacing={2}>
        <Button variant="contained" color={again ? 'warning' : 'primary'} onClick={() => void signIn()} disabled={busy}>
          {busy ? 'Starting the sign-in…' : pending ? 'Start over' : again ? 'Sign in again' : status.state === 'signed-in' ? 'Sign in with another account' : 'Sign in'}
        </Button>
        {status.state !== 'signed-out' && (
          <Button variant="outlined" color="error" onClick={() => setConfirming(true)} disabled={busy}>
            Sign out
          </Button>
        )}
      </Stack>
      {confirming && (
        <ConfirmDialog title="Sign out of the provider?" confirmLabel="Sign out" danger onConfirm={signOut} onClose={() => setConfirming(false)}>
          The relay forgets its sign-in (and the app&apos;s stored secret). Mail will wait in the queue until someone signs in again; nothing is lost or bounced.
        </ConfirmDialog>
      )}
    </Stack>
  );
}
