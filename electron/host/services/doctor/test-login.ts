/**
 * "Test a login": the user name and password go to the relay, which tries
 * them exactly as an SMTP AUTH from the client address (its own check, its
 * own count of failures), and nothing is sent. The password is never kept
 * or logged here.
 */
import { ApiError, type MethodInput } from '../../../api/contract.js';
import type { LoginTestResult } from '../../../api/schemas/doctor.js';
import type { LoginTested } from '../../relay-supervisor.js';

export interface LoginTester {
  testLogin(login: { user: string; password: string; client: string }): Promise<LoginTested>;
}

/** The client a test counts against when none is named: this computer, as a mail program on it would log in. */
export const TEST_LOGIN_CLIENT = '127.0.0.1';

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

function explain(user: string, client: string, tested: LoginTested): string {
  switch (tested.result) {
    case 'ok':
      return `${user} logs in with this password.`;
    case 'unknown-user':
      return `There is no SMTP user ${user}: check the user name the device is set up with.`;
    case 'wrong-password':
      return `Wrong password for ${user}: set the password again in the device, or reset it on the Users screen.${
        tested.blockedUntil ? ` Too many failed logins from ${client}: its logins are blocked until ${hhmm(tested.blockedUntil)}.` : ''
      }`;
    case 'inactive':
      return `The password is right, but ${user} is inactive: make it active on the Users screen.`;
    case 'blocked':
      return `Logins from ${client} are blocked until ${hhmm(tested.blockedUntil ?? '')} after too many failed ones; nothing was tried. Wait, or fix the device that keeps failing.`;
  }
}

export async function testLogin(relay: LoginTester, input: MethodInput<'doctor.testLogin'>): Promise<LoginTestResult> {
  const client = input.client ?? TEST_LOGIN_CLIENT;
  let tested: LoginTested;
  try {
    tested = await relay.testLogin({ user: input.user, password: input.password, client });
  } catch {
    throw new ApiError('relay_not_running', 'The relay is not running right now; a login can be tested once it has started.');
  }
  return { ...tested, explanation: explain(input.user, client, tested) };
}
