/**
 * Every error code the API answers with, and the HTTP status each one takes
 * on the loopback transport. A code is part of the contract: the UI and the
 * CLI branch on it, so a new one is added here or the build fails.
 * Like contract.ts this is shared with the renderer: zod only.
 */
import { z } from 'zod';

/** Code → HTTP status. 409: the request was understood, and the settings or the state refuse it. */
const STATUS = {
  // The request itself
  invalid_input: 400,
  unsupported_media_type: 415,
  body_too_large: 413,
  unknown_method: 404,
  not_found: 404,
  method_not_allowed: 405,
  unauthorized: 401,
  forbidden_host: 403,
  forbidden_origin: 403,
  internal: 500,
  relay_not_running: 503,
  /** Something only the desktop app can do (open a folder), asked of the headless host. */
  not_supported: 409,
  too_many_tries: 429,
  // Entries refused by what they say
  invalid_address: 409,
  invalid_certificate: 409,
  invalid_code: 409,
  invalid_domain: 409,
  invalid_entry: 409,
  invalid_host: 409,
  invalid_key: 409,
  invalid_option: 409,
  invalid_password: 409,
  invalid_user: 409,
  use_semicolon: 409,
  port_not_allowed: 409,
  password_without_user: 409,
  password_needed: 409,
  /** Direct delivery's upstream check needs a domain whose MX hosts to try. */
  domain_needed: 409,
  encryption_not_allowed: 409,
  key_mismatch: 409,
  certificate_expired: 409,
  certificate_not_yet_valid: 409,
  // Refused by the state of things
  already_exists: 409,
  already_verified: 409,
  covered_by_domain: 409,
  domain_not_verified: 409,
  listener_exists: 409,
  last_listener: 409,
  last_list: 409,
  list_not_empty: 409,
  no_code: 409,
  code_expired: 409,
  wrong_code: 409,
  code_from_not_verified: 409,
  /** An alert email's sender must be one Relay Desk verified. */
  sender_not_verified: 409,
  mail_failed: 409,
  /** The upstream has no OAuth settings to sign in with. */
  oauth_not_configured: 409,
  /** The provider has no such sign-in for SMTP (Google's device flow), or the custom settings lack its endpoint. */
  oauth_flow_not_offered: 409,
  /** The provider refused the sign-in or could not be reached; the message names its answer. */
  oauth_refused: 409,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS;

export const ErrorCodeSchema = z.enum(Object.keys(STATUS) as [ErrorCode, ...ErrorCode[]]);

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code];
}
