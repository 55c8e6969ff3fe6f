/** Verified senders: domains proven through DNS, addresses through a mailed code. */
import { z } from 'zod';
import { DnsRecordSchema, NoInput } from './common.js';

/** Who may send as a sender: how many users, and the first few by creation, so 10,000 users never travel for it. */
export const AuthorizedUsersSchema = z.object({
  total: z.number().int(),
  first: z.array(z.object({ name: z.string(), note: z.string() })),
});
export type AuthorizedUsers = z.infer<typeof AuthorizedUsersSchema>;

export const DomainViewSchema = z.object({
  domain: z.string(),
  status: z.enum(['pending', 'verified']),
  addedAt: z.string(),
  verifiedAt: z.string().nullable(),
  method: z.literal('dns-txt').nullable(),
  /** What to publish: the verification record, and the DKIM key(s) once verified. */
  records: z.array(DnsRecordSchema.extend({ purpose: z.enum(['verification', 'dkim', 'dkim-ed25519']) })),
  /** Whether its mail also gets an Ed25519 signature (RFC 8463) beside the RSA one. */
  ed25519: z.boolean(),
  lastCheck: z.object({ at: z.string(), result: z.string() }).nullable(),
  authorizedUsers: AuthorizedUsersSchema,
});
export type DomainView = z.infer<typeof DomainViewSchema>;

export const AddressViewSchema = z.object({
  address: z.string(),
  /** covered: not verified itself, but at a verified domain (or a subdomain of one), so it needs no code. */
  status: z.enum(['pending', 'verified', 'covered']),
  /** The verified domain that covers it. */
  coveredBy: z.string().nullable(),
  addedAt: z.string(),
  verifiedAt: z.string().nullable(),
  method: z.literal('email-code').nullable(),
  codeSentAt: z.string().nullable(),
  authorizedUsers: AuthorizedUsersSchema,
});
export type AddressView = z.infer<typeof AddressViewSchema>;

/** The address verification codes are mailed from (electron/host/services/senders/code-from.ts). */
export const CodeFromViewSchema = z.object({
  /** The address the admin chose; null: the default. */
  chosen: z.string().nullable(),
  /** Where codes go out from now; null when none can be mailed, and `problem` says why. */
  from: z.string().nullable(),
  /** chosen; the smarthost account's address; relay-desk@<this machine's name> (direct delivery only). */
  source: z.enum(['chosen', 'smarthost-account', 'machine-name']).nullable(),
  /** Why no code can be mailed: no upstream; no address chosen and no smarthost account address; the chosen one no longer verified. */
  problem: z.object({ code: z.enum(['no_upstream', 'no_address', 'chosen_not_verified']), message: z.string() }).nullable(),
});
export type CodeFromView = z.infer<typeof CodeFromViewSchema>;

const Domain = z.string().trim().min(1).max(253);
const Address = z.string().trim().min(3).max(320);

export const sendersMethods = {
  'senders.list': {
    input: NoInput,
    output: z.object({ domains: z.array(DomainViewSchema), addresses: z.array(AddressViewSchema), codeFrom: CodeFromViewSchema }),
  },
  /** A verified address, one at a verified domain, or the smarthost account's; null: back to the default. */
  'senders.setCodeFrom': { input: z.object({ address: Address.nullable() }).strict(), output: CodeFromViewSchema },
  'senders.addDomain': { input: z.object({ domain: Domain }).strict(), output: DomainViewSchema },
  'senders.checkDomain': {
    input: z.object({ domain: Domain }).strict(),
    output: z.object({ domain: DomainViewSchema, verified: z.boolean(), reason: z.string() }),
  },
  /** Turns the Ed25519 signature on (a new key, a record to publish) or off (the key deleted); only for a verified domain. */
  'senders.setEd25519': { input: z.object({ domain: Domain, on: z.boolean() }).strict(), output: DomainViewSchema },
  'senders.removeDomain': { input: z.object({ domain: Domain }).strict(), output: z.object({ removed: z.string() }) },
  'senders.addAddress': { input: z.object({ address: Address }).strict(), output: AddressViewSchema },
  'senders.confirmAddress': {
    input: z.object({ address: Address, code: z.string().trim().max(20) }).strict(),
    output: AddressViewSchema,
  },
  'senders.resendCode': { input: z.object({ address: Address }).strict(), output: AddressViewSchema },
  'senders.removeAddress': { input: z.object({ address: Address }).strict(), output: z.object({ removed: z.string() }) },
} as const;
