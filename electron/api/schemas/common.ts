/** Shapes several namespaces share. */
import { z } from 'zod';

export const NoInput = z.object({}).strict();

/**
 * Entries as an admin types or pastes them: one ";"-separated string, or a
 * list. Parsing (and refusing commas with a clear message) is the host's job.
 */
export const EntryList = z.union([z.string().max(100_000), z.array(z.string().max(1000)).max(10_000)]);

export const DnsRecordSchema = z.object({
  type: z.literal('TXT'),
  name: z.string(),
  value: z.string(),
});
export type DnsRecord = z.infer<typeof DnsRecordSchema>;
