/**
 * Troubleshooting: the checks an admin would run, run by the host. Checks
 * that need no input come back together from doctor.run (the Troubleshooting
 * screen's list, `relay-desk doctor`); the others are asked one at a time.
 */
import { z } from 'zod';
import { DnsRecordSchema, NoInput } from './common.js';

export const CheckStatusSchema = z.enum(['ok', 'warning', 'problem']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

export const DoctorCheckSchema = z.object({
  /** Stable per check and subject, e.g. "port:2525", "certificate". */
  id: z.string(),
  title: z.string(),
  status: CheckStatusSchema,
  /** What was found, in a sentence. */
  summary: z.string(),
  /** What to do about it; null when nothing needs doing. */
  fix: z.string().nullable(),
  /** What was seen on the way, word for word where a server answered. */
  details: z.array(z.string()),
  /** DNS checks: the record to publish (or publish instead), ready to copy. */
  publish: z.array(DnsRecordSchema).optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorReportSchema = z.object({
  ranAt: z.string(),
  checks: z.array(DoctorCheckSchema),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

const UserName = z.string().trim().min(1).max(64);
const ClientAddress = z.union([z.ipv4(), z.ipv6()]);

/**
 * The rule that decided, as the relay decides at MAIL FROM: verified-address
 * (the user's own verified address), covered-address (one of its addresses,
 * at a verified domain), verified-domain (at one of its verified domains),
 * and the refusals.
 */
export const CanSendRuleSchema = z.enum([
  'verified-address',
  'covered-address',
  'verified-domain',
  'user-inactive',
  'invalid-address',
  'address-pending',
  'domain-pending',
  'not-authorized',
]);

export const CanSendResultSchema = z.object({
  allowed: z.boolean(),
  rule: CanSendRuleSchema,
  /** The answer in words, naming the rule and the senders it read. */
  explanation: z.string(),
  fix: z.string().nullable(),
  /** What the user is authorized for, with each entry's state. */
  authorized: z.array(z.object({ kind: z.enum(['domain', 'address']), value: z.string(), status: z.enum(['verified', 'covered', 'pending', 'missing']) })),
  /** With a client address: whether a device there is trusted, and for whom. */
  client: z.string().nullable(),
});
export type CanSendResult = z.infer<typeof CanSendResultSchema>;

export const LoginTestResultSchema = z.object({
  result: z.enum(['ok', 'unknown-user', 'wrong-password', 'inactive', 'blocked']),
  /** The end of the client address's block: already on, or started by this failure. */
  blockedUntil: z.string().nullable(),
  explanation: z.string(),
});
export type LoginTestResult = z.infer<typeof LoginTestResultSchema>;

export const TestMessageResultSchema = z.object({
  /** Whether the relay took the message; then it is followed in the history by `id`. */
  sent: z.boolean(),
  /** The queue id the relay's 250 named (the history's message id). */
  id: z.string().nullable(),
  /** The relay's last reply, word for word; null when it was not asked (the sender rule refuses it). */
  reply: z.string().nullable(),
  explanation: z.string(),
});
export type TestMessageResult = z.infer<typeof TestMessageResultSchema>;

export const doctorMethods = {
  /** Every check that needs no input: ports, certificate, upstream, DNS of the verified domains. */
  'doctor.run': { input: NoInput, output: DoctorReportSchema },
  /** Whether this user may send as this address, by the relay's own rule; with a client address, how a device there is identified. */
  'doctor.canSend': {
    input: z.object({ user: UserName, address: z.string().trim().min(1).max(320), client: ClientAddress.optional() }).strict(),
    output: CanSendResultSchema,
  },
  /**
   * Tries a login through the relay's own check, sending nothing. It counts
   * as a login from `client` (this computer, 127.0.0.1, unless given): a
   * failure counts toward that address's block like a real one.
   */
  'doctor.testLogin': {
    input: z.object({ user: UserName, password: z.string().max(1000), client: ClientAddress.optional() }).strict(),
    output: LoginTestResultSchema,
  },
  /**
   * The upstream probed: connect, TLS, login, `MAIL FROM` and `RSET` with
   * the smarthost's stored settings, or, for direct delivery, the MX hosts
   * of `domain` (required then). The sender asked about is `from`, or the
   * address verification codes are mailed from.
   */
  'doctor.upstream': {
    input: z.object({ domain: z.string().trim().regex(/^[^\s@<>]+$/, 'Enter a domain, as in company.com.').max(253).optional(), from: z.email().max(320).optional() }).strict(),
    output: DoctorCheckSchema,
  },
  /**
   * Sends a short test message through the relay as a device would: an SMTP
   * session on the relay's own port, logged in as `user` (a failed login
   * counts toward 127.0.0.1's block). Follow it with messages.get and the
   * message.updated event.
   */
  'doctor.sendTestMessage': {
    input: z.object({ user: UserName, password: z.string().max(1000), from: z.email().max(320), to: z.email().max(320) }).strict(),
    output: TestMessageResultSchema,
  },
} as const;
