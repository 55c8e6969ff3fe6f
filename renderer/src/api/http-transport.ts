/**
 * The admin token of the headless host: it arrives in the URL fragment
 * (never sent to the server in a URL), is kept for this tab only, and travels
 * as a bearer header (electron/api/transports.ts).
 */

const TOKEN_KEY = 'relay-desk-admin-token';

function tokenInAddress(): string | null {
  return new URLSearchParams(window.location.hash.slice(1)).get('token');
}

/** Whether the address bar holds a token not yet read (a `#token=` link just opened). */
export function hasTokenInAddress(): boolean {
  return Boolean(tokenInAddress());
}

/** Takes the token out of the address bar so it is not left in history or screenshots. */
export function readAdminToken(): string | null {
  const fromHash = tokenInAddress();
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}
