/**
 * The lexical layer of RFC 5322 §3.2 for address fields, with RFC 6532's
 * UTF-8: atoms, quoted strings (quoted-pairs undone), comments (nested),
 * domain literals, white space and the specials. The value comes unfolded
 * and already checked for control characters.
 */
import { MailboxRefusal } from './mailbox-problem.js';

export type Special = '<' | '>' | '@' | ',' | ';' | ':' | '.';

export type Token =
  | { kind: 'atom'; text: string }
  /** `text` is the content with quoted-pairs undone. */
  | { kind: 'quoted'; text: string }
  /** `text` is the content with quoted-pairs undone; nested comments keep their parentheses. */
  | { kind: 'comment'; text: string }
  /** A domain literal, brackets included. */
  | { kind: 'literal'; text: string }
  | { kind: 'space' }
  | { kind: 'special'; char: Special };

/** RFC 2047 allows 75 characters in an encoded word; a longer look finds a longer one all the same. */
const MAX_ENCODED_WORD = 1000;
const SPECIALS = new Set<string>(['<', '>', '@', ',', ';', ':', '.']);
/** RFC 5322 atext; every non-ASCII character is atext too (RFC 6532). */
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\u0080-\uffff]$/;

/**
 * An encoded word holding a special that changes how the field splits: RFC
 * 2047 forbids it, RFC 5322 splits the word there, and Python reads it whole.
 */
const ENCODED_WORD_WITH_SPECIAL = /^=\?[^?]*\?[A-Za-z]\?[^?]*?[()<>[\]:;@\\,"][^?]*\?=/;

function syntax(detail: string): never {
  throw new MailboxRefusal('syntax', detail);
}

/** Reads a quoted string or comment opened at `start`; returns its content and the index past its end. */
function readEnclosed(value: string, start: number, kind: 'quoted' | 'comment'): [string, number] {
  let text = '';
  let depth = 1;
  for (let i = start + 1; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === '\\') {
      if (i + 1 >= value.length) break;
      text += value.charAt(++i);
    } else if (kind === 'quoted' && c === '"') {
      return [text, i + 1];
    } else if (kind === 'comment' && c === ')' && --depth === 0) {
      return [text, i + 1];
    } else {
      if (kind === 'comment' && c === '(') depth++;
      text += c;
    }
  }
  return syntax(kind === 'quoted' ? 'has a quoted string that is not closed' : 'has a comment that is not closed');
}

function readLiteral(value: string, start: number): [string, number] {
  const end = value.indexOf(']', start);
  const text = end < 0 ? '' : value.slice(start, end + 1);
  if (end < 0 || /[[\\]/.test(text.slice(1, -1))) syntax('has a [ without a matching ]');
  return [text, end + 1];
}

export function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value.charAt(i);
    if (c === ' ' || c === '\t') {
      while (value.charAt(i) === ' ' || value.charAt(i) === '\t') i++;
      tokens.push({ kind: 'space' });
    } else if (c === '"' || c === '(') {
      const kind = c === '"' ? 'quoted' : 'comment';
      const [text, next] = readEnclosed(value, i, kind);
      tokens.push({ kind, text });
      i = next;
    } else if (c === '[') {
      const [text, next] = readLiteral(value, i);
      tokens.push({ kind: 'literal', text });
      i = next;
    } else if (c === '=' && ENCODED_WORD_WITH_SPECIAL.test(value.slice(i, i + MAX_ENCODED_WORD))) {
      throw new MailboxRefusal('encoded-word-form', 'has an encoded word holding a character that splits the field (one of ()<>[]:;@\\,"), which mail programs read differently');
    } else if (SPECIALS.has(c)) {
      tokens.push({ kind: 'special', char: c as Special });
      i++;
    } else if (ATEXT.test(c)) {
      let end = i + 1;
      while (end < value.length && ATEXT.test(value.charAt(end))) end++;
      tokens.push({ kind: 'atom', text: value.slice(i, end) });
      i = end;
    } else if (c === ')' || c === ']') {
      syntax(`has a ${c} without a matching ${c === ')' ? '(' : '['}`);
    } else {
      syntax(c === '\\' ? 'has a backslash outside a quoted string' : `has the character ${JSON.stringify(c)} outside a quoted string`);
    }
  }
  return tokens;
}

/** The tokens without white space and comments at either end, and the comments removed. */
export function trimCfws(tokens: Token[]): { core: Token[]; comments: string[] } {
  let start = 0;
  let end = tokens.length;
  const isCfws = (t: Token | undefined) => t?.kind === 'space' || t?.kind === 'comment';
  while (start < end && isCfws(tokens[start])) start++;
  while (end > start && isCfws(tokens[end - 1])) end--;
  const comments: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ((i < start || i >= end) && token?.kind === 'comment') comments.push(token.text);
  }
  return { core: tokens.slice(start, end), comments };
}

export function isSpecial(token: Token | undefined, char: Special): boolean {
  return token?.kind === 'special' && token.char === char;
}

/** The tokens as written again (for messages): quoted strings and comments re-quoted. */
export function render(tokens: Token[]): string {
  return tokens
    .map((t) => {
      switch (t.kind) {
        case 'atom':
        case 'literal':
          return t.text;
        case 'quoted':
          return JSON.stringify(t.text);
        case 'comment':
          return `(${t.text})`;
        case 'space':
          return ' ';
        case 'special':
          return t.char;
      }
    })
    .join('');
}
