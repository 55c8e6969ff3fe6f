import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import { useState } from 'react';
import type { ApiClient } from '#api/client.js';
import type { UpstreamView } from '#api/schemas/server.js';
import type { OAuthStatusView } from '../../useOAuthStatus.js';
import { OAuthForm } from './OAuthForm.js';
import { OAuthSignInPanel } from './OAuthSignInPanel.js';
import { SendAsNotice } from './SendAsNotice.js';
import { SmarthostForm } from './SmarthostForm.js';

type Login = 'password' | 'oauth';

export interface SmarthostLoginProps {
  client: ApiClient;
  upstream: UpstreamView;
  oauth: OAuthStatusView;
  onSaved: (view: UpstreamView) => void;
}

/** How the relay logs in to the smarthost: a user name and password, or an OAuth 2.0 sign-in (XOAUTH2). */
export function SmarthostLogin({ client, upstream, oauth, onSaved }: SmarthostLoginProps) {
  const configured = upstream.mode === 'smarthost' && upstream.oauth !== null;
  // Choosing the other login only shows its form; nothing changes until it is saved.
  const [login, setLogin] = useState<Login>(configured ? 'oauth' : 'password');
  // A failed reload leaves the view as it was: only whether an app credential is stored may be out of date.
  const reload = () => void client.call('upstream.get', {}).then(onSaved, () => undefined);
  return (
    <Stack spacing={2}>
      <RadioGroup row aria-label="How the relay logs in to the smarthost" value={login} onChange={(e) => setLogin(e.target.value as Login)}>
        <FormControlLabel value="password" control={<Radio />} label="Password" />
        <FormControlLabel value="oauth" control={<Radio />} label="OAuth 2.0 (Microsoft 365, Google or another provider)" />
      </RadioGroup>
      {login === 'password' ? (
        <SmarthostForm client={client} upstream={upstream} onSaved={onSaved} />
      ) : (
        <>
          {configured && oauth.status && oauth.status.state !== 'not-configured' && (
            <>
              <OAuthSignInPanel client={client} status={oauth.status} onStatus={oauth.set} onSignedOut={reload} />
              <SendAsNotice client={client} status={oauth.status} />
            </>
          )}
          <OAuthForm client={client} upstream={upstream} onSaved={onSaved} onStatus={oauth.set} />
        </>
      )}
    </Stack>
  );
}
