/**
 * Message properties per list (MailUp's "Set the properties for the messages
 * sent using the SMTP+ feature"): a header and a footer, each as plain text
 * and as HTML, each switched on or off, added by the relay to every message
 * of the list's users; and the properties a new list starts with. A
 * message's X-SMTPAPI "Header" or "Footer" (true or false) overrides the
 * switch for that message, but only a header or footer the list has written
 * can be forced on.
 */
import { z } from 'zod';
import { ListName } from './users.js';

/** The same bounds as the relay's (relay/protocol.ts), which the host cannot pass on larger. */
export const MAX_DECORATION_TEXT = 16 * 1024;
export const MAX_DECORATION_HTML = 64 * 1024;

/** Tab and line breaks are text; other control characters have no place in a message. */
function noControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false;
  }
  return true;
}
const Text = (max: number, what: string) =>
  z
    .string()
    .max(max, { error: `the ${what} version may be at most ${max / 1024} KB` })
    .refine(noControls, { error: `the ${what} version has a control character; only tabs and line breaks may be in it` });

export const DecorationSchema = z.object({
  on: z.boolean(),
  text: Text(MAX_DECORATION_TEXT, 'text'),
  html: Text(MAX_DECORATION_HTML, 'HTML'),
});
export type Decoration = z.infer<typeof DecorationSchema>;

export const MessagePropertiesSchema = z.object({ header: DecorationSchema, footer: DecorationSchema });
export type MessageProperties = z.infer<typeof MessagePropertiesSchema>;

const DecorationChange = DecorationSchema.partial().strict();

export const MessagePropertiesViewSchema = MessagePropertiesSchema.extend({
  /** null: the properties a new list starts with. */
  list: z.string().nullable(),
});
export type MessagePropertiesView = z.infer<typeof MessagePropertiesViewSchema>;

export const messagePropertiesMethods = {
  /** A list's properties; without a list, those a new list starts with. */
  'messageProperties.get': { input: z.object({ list: ListName.optional() }).strict(), output: MessagePropertiesViewSchema },
  /** Changes what is given and keeps the rest; applied to the relay before it answers. */
  'messageProperties.set': {
    input: z.object({ list: ListName.optional(), header: DecorationChange.optional(), footer: DecorationChange.optional() }).strict(),
    output: MessagePropertiesViewSchema,
  },
} as const;
