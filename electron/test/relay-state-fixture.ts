/** Relay states as the supervisor reports them, for the desktop shell's tests. */
import type { ListenerState } from '../api/contract.js';

/** A listener on `n`, listening with STARTTLS, unless `change` says otherwise. */
export const port = (n: number, change: Partial<ListenerState> = {}): ListenerState => ({
  port: n,
  address: '0.0.0.0',
  encryption: 'starttls',
  clearTextLogins: false,
  status: 'listening',
  ...change,
});
