/**
 * The X-SMTPAPI header: a JSON object with per-message instructions to the
 * relay, as MailUp's SMTP+ and SendGrid read it. CampaignName and
 * CampaignCode (a string or a number) label the message for statistics;
 * Header and Footer (true or false) override the list's switches for this
 * message. Other keys (SendGrid's category, unique_args, ...) are ignored.
 * A header that cannot be read, or a known key with a value of the wrong
 * kind, refuses the message: an instruction silently dropped would send mail
 * the sender did not mean to send.
 */
import { z } from 'zod';

export interface Campaign {
  name?: string;
  code?: string;
}

export interface SmtpApi {
  campaign: Campaign | null;
  /** Absent: the list's switch decides. */
  header?: boolean;
  footer?: boolean;
}

export type SmtpApiReading = { ok: true; api: SmtpApi } | { ok: false; problem: string };

const MAX_CAMPAIGN = 200;
const KNOWN_KEYS = ['CampaignName', 'CampaignCode', 'Header', 'Footer'] as const;

const CAMPAIGN_TEXT = `must be a string of at most ${MAX_CAMPAIGN} characters or a number`;
const CampaignText = z.union([z.string().max(MAX_CAMPAIGN, { error: CAMPAIGN_TEXT }), z.number()], { error: CAMPAIGN_TEXT });
const Switch = z.boolean({ error: 'must be true or false' });

const SmtpApiSchema = z.looseObject(
  {
    CampaignName: CampaignText.optional(),
    CampaignCode: CampaignText.optional(),
    Header: Switch.optional(),
    Footer: Switch.optional(),
  },
  { error: 'must be a JSON object, such as {"Footer": false}' },
);

/** A key spelled like a known one in another case is a mistake, not another instruction. */
function misspelledKey(data: object): string | null {
  for (const key of Object.keys(data)) {
    const known = KNOWN_KEYS.find((k) => k !== key && k.toLowerCase() === key.toLowerCase());
    if (known) return `"${key.slice(0, 40)}" is not a known key (keys are case-sensitive: ${known})`;
  }
  return null;
}

/** The values of the message's X-SMTPAPI header fields (unfolded); null when it has none. */
export function readSmtpApi(values: string[]): SmtpApiReading | null {
  if (values.length === 0) return null;
  if (values.length > 1) return { ok: false, problem: `the message has ${values.length} X-SMTPAPI headers; send one` };
  const [value = ''] = values;
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    return { ok: false, problem: 'it is not valid JSON' };
  }
  const parsed = SmtpApiSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0];
    return { ok: false, problem: key === undefined ? (issue?.message ?? 'it is not valid') : `${String(key)} ${issue?.message ?? 'is not valid'}` };
  }
  const misspelled = misspelledKey(parsed.data);
  if (misspelled) return { ok: false, problem: misspelled };
  const { CampaignName: name, CampaignCode: code, Header: header, Footer: footer } = parsed.data;
  const campaign: Campaign = {};
  if (name !== undefined) campaign.name = String(name);
  if (code !== undefined) campaign.code = String(code);
  const api: SmtpApi = { campaign: name === undefined && code === undefined ? null : campaign };
  if (header !== undefined) api.header = header;
  if (footer !== undefined) api.footer = footer;
  return { ok: true, api };
}
