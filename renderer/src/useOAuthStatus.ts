import type { ApiClient } from '#api/client.js';
import type { OAuthStatus } from '#api/schemas/oauth.js';
import { useLiveValue } from './components/useLiveValue.js';

const fetchStatus = (client: ApiClient) => client.call('upstream.oauthStatus', {});

export interface OAuthStatusView {
  status: OAuthStatus | null;
  /** Shows a status the host just answered with (a save, a sign-in, a sign-out) before its event arrives. */
  set: (status: OAuthStatus) => void;
}

/** The smarthost's OAuth sign-in state, kept current by the upstream.oauth event (the app bar and the Server screen share it). */
export function useOAuthStatus(client: ApiClient): OAuthStatusView {
  const [status, set] = useLiveValue(client, 'upstream.oauth', fetchStatus);
  return { status, set };
}
