/**
 * What a mail program may show of a display name or a comment, and whether
 * an address shows there. Encoded words (RFC 2047) are decoded as eagerly as
 * the most eager reader: Python decodes them inside quoted strings too, and
 * a word may decode to another encoded word that a second reader decodes
 * again, so every form is checked.
 */
import libmime from 'libmime';
import { assertVisible, MailboxRefusal, quoted } from './mailbox-problem.js';
import { normalizeDomain } from '../shared/sender-policy.js';

/** Any =?charset?X?text?=, even where RFC 2047 does not allow one (inside quotes, glued to other text). */
const ENCODED_WORD = /=\?([^?]*)\?([A-Za-z])\?([^?]*)\?=/g;
/**
 * Charsets that readers decode alike. Others are refused: UTF-7 spells '@' as
 * "+AEA-", UTF-16 hides it from byte-wise readers, and a name no reader knows
 * is decoded by some as ASCII and shown by others as written.
 */
const CHARSETS = /^(?:utf-?8|us-ascii|iso-?8859-(?:[1-9]|1[0-6])|windows-125[0-8]|koi8-[ru]|iso-2022-jp|shift_jis|euc-jp|euc-kr|gb2312|gbk|gb18030|big5)$/i;
/** An encoded word inside an encoded word is already an attack; a few rounds find it. */
const MAX_ROUNDS = 3;

/** Whether text holds something a reader may decode as an encoded word. */
export function hasEncodedWord(text: string): boolean {
  return /=\?[^?]*\?[A-Za-z]\?[^?]*\?=/.test(text);
}

function decodeEach(text: string): string {
  return text.replace(ENCODED_WORD, (word, charset: string, encoding: string, payload: string) => {
    if (!/^[bq]$/i.test(encoding)) return word;
    const name = charset.split('*')[0] ?? '';
    if (!CHARSETS.test(name)) {
      throw new MailboxRefusal('encoded-word-charset', `has an encoded word in charset ${JSON.stringify(quoted(name))}, which mail programs decode differently; use UTF-8`);
    }
    return libmime.decodeWord(name, encoding, payload);
  });
}

/**
 * The text as written and every decoded form of it (word by word, and with
 * adjacent words joined as RFC 2047 asks), each checked for control and
 * invisible characters that decoding may have brought in.
 */
export function shownForms(text: string, what: () => string): string[] {
  const forms = [text];
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const decoded = decodeEach(current);
    if (decoded === current) break;
    const joined = libmime.decodeWords(current);
    for (const form of [decoded, joined]) {
      assertVisible(form, `${what()} decodes to text with`);
      forms.push(form);
    }
    current = decoded;
  }
  return forms;
}

/** What ends an address shown in text: white space, brackets, quotes, list punctuation, another '@'. */
const DELIMITER = /[\s<>()[\]{},;:"'`@]/u;

/**
 * The first address (or bare '@') shown in any of the forms that is not the
 * mailbox's own: compared after NFKC (so '＠' is '@'), the local part without
 * case and the domain in its IDN ASCII form (`own.domain()`, worked out only
 * when an '@' shows).
 */
export function strayAddress(forms: string[], own: { local: string; domain: () => string }): string | null {
  for (const form of forms) {
    // NFKC changes nothing in ASCII, which most names are: skip its cost there.
    const text = /^[\x20-\x7e]*$/.test(form) ? form : form.normalize('NFKC');
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && !DELIMITER.test(text.charAt(start - 1))) start--;
      let end = at + 1;
      while (end < text.length && !DELIMITER.test(text.charAt(end))) end++;
      const local = text.slice(start, at);
      const domain = text.slice(at + 1, end).replace(/\.+$/, '');
      if (local === '' || local.toLowerCase() !== own.local.toLowerCase() || normalizeDomain(domain) !== own.domain()) return text.slice(start, end);
    }
  }
  return null;
}
