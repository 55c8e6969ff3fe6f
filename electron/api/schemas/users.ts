/** SMTP users and lists: who may log in to the relay, and as whom they may send. */
import { z } from 'zod';
import { EntryList, NoInput } from './common.js';

export const ListViewSchema = z.object({ name: z.string(), users: z.number().int(), createdAt: z.string() });
export type ListView = z.infer<typeof ListViewSchema>;

export const UserViewSchema = z.object({
  name: z.string(),
  list: z.string(),
  type: z.literal('Smtp+'),
  active: z.boolean(),
  priority: z.number().int().min(1).max(5),
  note: z.string(),
  domains: z.array(z.object({ domain: z.string(), status: z.enum(['pending', 'verified', 'missing']) })),
  /** covered: at a verified domain, so it needs no code of its own (coveredBy names the domain). */
  addresses: z.array(
    z.object({ address: z.string(), status: z.enum(['pending', 'verified', 'covered', 'missing']), coveredBy: z.string().optional() }),
  ),
  trustedClients: z.array(z.string()),
  rateLimitPerHour: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof UserViewSchema>;

const UserName = z.string().min(1).max(64);
const Priority = z.number().int().min(1).max(5);
const Note = z.string().max(1000);
const RateLimit = z.number().int().positive().max(1_000_000).nullable();
export const ListName = z.string().trim().min(1).max(100);

const UserFields = {
  list: ListName.optional(),
  active: z.boolean().optional(),
  priority: Priority.optional(),
  note: Note.optional(),
  domains: EntryList.optional(),
  addresses: EntryList.optional(),
  trustedClients: EntryList.optional(),
  rateLimitPerHour: RateLimit.optional(),
};

/** A user with the password that was just made: shown once, never again. */
const WithPassword = z.object({ user: UserViewSchema, password: z.string() });

/** What a change did about the addresses new to Relay Desk: each was mailed a code, needed none, or could not be mailed one. */
export const VerificationSchema = z.object({
  mailed: z.array(z.string()),
  /** At a verified domain: no code needed. */
  covered: z.array(z.object({ address: z.string(), domain: z.string() })),
  /** Still pending: `reason` says why no code went out ("no upstream is set: …"). */
  notMailed: z.array(z.object({ address: z.string(), reason: z.string() })),
});
export type Verification = z.infer<typeof VerificationSchema>;

export const usersMethods = {
  'lists.list': { input: NoInput, output: z.object({ lists: z.array(ListViewSchema) }) },
  /** Names are compared ignoring case: "smtp+" is taken when "SMTP+" exists. */
  'lists.create': { input: z.object({ name: ListName }).strict(), output: ListViewSchema },
  /** Its users and its message history (messages, statistics) move with it. */
  'lists.rename': { input: z.object({ name: ListName, newName: ListName }).strict(), output: ListViewSchema },
  /** Only an empty list, and never the last one; its message history stays under its name until retention prunes it. */
  'lists.delete': { input: z.object({ name: ListName }).strict(), output: z.object({ deleted: z.string() }) },
  /** One page of users (all of them without a limit), in creation order unless sorted, with the total that match. */
  'users.list': {
    input: z
      .object({
        list: ListName.optional(),
        /** Matches user name, note, list, domains and addresses, ignoring case. */
        search: z.string().max(200).optional(),
        active: z.boolean().optional(),
        sort: z
          .object({
            field: z.enum(['name', 'note', 'list', 'active', 'priority', 'updatedAt']),
            direction: z.enum(['asc', 'desc']),
          })
          .strict()
          .optional(),
        offset: z.number().int().min(0).optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .strict(),
    output: z.object({ users: z.array(UserViewSchema), total: z.number().int() }),
  },
  'users.get': { input: z.object({ name: UserName }).strict(), output: UserViewSchema },
  /** The name users.create gives the next user (s<accountId>_<n>), for the Add dialog to show before it is made. */
  'users.nextName': { input: NoInput, output: z.object({ name: z.string() }) },
  'users.create': { input: z.object(UserFields).strict(), output: WithPassword.extend({ verification: VerificationSchema }) },
  'users.update': { input: z.object({ name: UserName, ...UserFields }).strict(), output: UserViewSchema.extend({ verification: VerificationSchema }) },
  'users.resetPassword': { input: z.object({ name: UserName }).strict(), output: WithPassword },
  'users.delete': { input: z.object({ name: UserName }).strict(), output: z.object({ deleted: z.string() }) },
} as const;
