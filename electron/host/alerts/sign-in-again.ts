/**
 * The smarthost's OAuth sign-in ended by the provider (revoked, expired,
 * password changed): mail waits in the queue until the admin signs in
 * again, so it is a delivery problem to be told of, once each time it
 * happens (not again at every state change while it lasts).
 */
import type { OAuthStatus } from '../oauth/token-keeper.js';
import type { Alert } from './alert.js';

export class SignInAgainWatch {
  private said = false;

  constructor(private readonly raise: (alert: Alert) => void) {}

  /** Every status the token keeper reports; `mailbox` is the one the relay sends as. */
  change(status: OAuthStatus, mailbox: string | null): void {
    if (status.state !== 'sign-in-again') {
      this.said = false;
      return;
    }
    if (this.said) return;
    this.said = true;
    const who = status.account ?? mailbox ?? 'the mailbox';
    this.raise({
      kind: 'delivery-problem',
      subject: 'upstream sign-in',
      list: null,
      title: `Sign in again to the upstream as ${who}`,
      body: `The provider no longer accepts the relay's sign-in (${status.problem ?? 'no reason given'}). Mail waits in the queue, nothing is bounced; sign in again on the Server screen (or relay-desk upstream oauth) and it goes.`,
      messageId: null,
    });
  }
}
