import Chip from '@mui/material/Chip';
import type { OAuthStatus } from '#api/schemas/oauth.js';

/**
 * Beside the relay's state in the app bar, like "Delivery paused": the
 * smarthost's OAuth sign-in has ended and mail waits until the admin signs in
 * again, which the Server screen (opened by the chip) does.
 */
export function UpstreamSignInChip({ status, onOpen }: { status: OAuthStatus | null; onOpen: () => void }) {
  if (status?.state !== 'sign-in-again') return null;
  return <Chip color="warning" size="small" label="Upstream: sign in again" onClick={onOpen} aria-label="Upstream: sign in again (opens the Server screen)" />;
}
