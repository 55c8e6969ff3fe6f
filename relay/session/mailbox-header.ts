/**
 * A strict reader of the From field (RFC 5322 mailbox-list) and the Sender
 * field (mailbox), with RFC 6532 UTF-8, for the sender check: every field it
 * accepts names the same mailboxes to every mail program, and every field it
 * refuses comes with a reason.
 *
 * Why not a library: nodemailer's addressparser is lenient by design (it
 * always returns something), and email-addresses, the npm RFC 5322 parser,
 * accepts every obsolete form, decodes no encoded words, says nothing of
 * what a display name or comment holds and gives no reason for a failure.
 *
 * Accepted: `addr-spec` and `[display-name] <addr-spec>` mailboxes; quoted
 * strings, nested comments, white space; dot-atom and quoted local parts;
 * UTF-8 in names and addresses (IDN domains in their canonical form); encoded
 * words in display names and comments; and the one obsolete form all readers
 * read alike, dots in a display name ("John Q. Public"). Refused: groups
 * (From and Sender hold mailboxes; RFC 6854 allows a group in From for mail
 * that has no single sender, which a relay's users never send), empty list
 * elements, source routes, domain literals, white space or comments inside an
 * address, quoted and dotted pieces mixed in a local part, and any display
 * name or comment that shows an address other than its mailbox's own.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import libmime from 'libmime';
import { assertVisible, MailboxRefusal, problem, quoted, type MailboxProblem, type MailboxProblemCode } from './mailbox-problem.js';
import { isSpecial, render, tokenize, trimCfws, type Special, type Token } from './mailbox-tokens.js';
import { normalizeDomain } from '../shared/sender-policy.js';
import { hasEncodedWord, shownForms, strayAddress } from './shown-text.js';

export interface Mailbox {
  /** The display name with encoded words decoded; '' when there is none. */
  displayName: string;
  /** The local part, unquoted. */
  local: string;
  /** The domain as written. */
  domain: string;
  /** local@domain, as the sender policy checks it. */
  address: string;
}

export type MailboxListReading = { ok: true; mailboxes: Mailbox[] } | { ok: false; problem: MailboxProblem };

/** RFC 5321's limit on a path, less its angle brackets. */
const MAX_ADDRESS = 254;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
/** A character a dot-atom local part may not hold: beyond ASCII, only letters, marks and digits of any script. */
const LOCAL_ODD = /[^\p{ASCII}\p{L}\p{M}\p{N}]/u;

function refuse(code: MailboxProblemCode, detail: string): never {
  throw new MailboxRefusal(code, detail);
}

/** Reads an unfolded From or Sender value (after the colon). */
export function parseMailboxList(value: string): MailboxListReading {
  try {
    assertVisible(value, 'holds');
    const tokens = tokenize(value);
    if (trimCfws(tokens).core.length === 0) return { ok: false, problem: problem('empty', 'is empty') };
    return { ok: true, mailboxes: splitList(tokens).map(parseMailbox) };
  } catch (err) {
    if (err instanceof MailboxRefusal) return { ok: false, problem: err.problem };
    throw err;
  }
}

/** The list's elements, split at commas outside <...>. */
function splitList(tokens: Token[]): Token[][] {
  const elements: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isSpecial(token, '<')) depth++;
    if (isSpecial(token, '>')) depth = Math.max(0, depth - 1);
    if (depth === 0 && isSpecial(token, ',')) elements.push([]);
    else elements.at(-1)?.push(token);
  }
  if (elements.some((e) => trimCfws(e).core.length === 0)) refuse('syntax', 'has an empty entry in its list (a comma too many)');
  return elements;
}

function indexesOf(tokens: Token[], char: Special): number[] {
  const found: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (isSpecial(tokens[i], char)) found.push(i);
  return found;
}

function parseMailbox(tokens: Token[]): Mailbox {
  const opens = indexesOf(tokens, '<');
  const closes = indexesOf(tokens, '>');
  if (opens.length > 1 || closes.length > 1) refuse('several-addresses', `has more than one <...> in the mailbox ${quoted(render(tokens).trim())}`);
  const [open] = opens;
  const [close] = closes;
  const outside = open !== undefined && close !== undefined ? [...tokens.slice(0, open), ...tokens.slice(close + 1)] : tokens;
  if (indexesOf(outside, ':').length > 0) refuse('group', 'holds a group (name: ...;); it must list mailboxes');
  if (indexesOf(outside, ';').length > 0) refuse('syntax', 'has a ; outside a group');
  if (open === undefined && close === undefined) return bareMailbox(tokens);
  if (open === undefined || close === undefined || close < open) {
    return refuse('syntax', `has a ${open === undefined || (close !== undefined && close < open) ? '>' : '<'} without its partner`);
  }
  return angleMailbox(tokens.slice(0, open), tokens.slice(open + 1, close), tokens.slice(close + 1));
}

function angleMailbox(phrase: Token[], inner: Token[], after: Token[]): Mailbox {
  const tail = trimCfws(after);
  if (tail.core.length > 0) refuse('text-after-address', `has text after the <address>: ${quoted(render(tail.core))}; only a comment may follow it`);
  let inside = inner;
  while (inside[0]?.kind === 'space') inside = inside.slice(1);
  while (inside.at(-1)?.kind === 'space') inside = inside.slice(0, -1);
  if (inside.length === 0) refuse('syntax', 'has an empty <>');
  if (isSpecial(inside[0], '@')) refuse('route', `address <${quoted(render(inside))}> has an obsolete source route (<@host:...>), which mail programs read differently`);
  if (indexesOf(inside, ',').length > 0) refuse('several-addresses', `has a list inside <${quoted(render(inside))}>`);
  if (indexesOf(inside, ':').length > 0) refuse('syntax', `has a : inside <${quoted(render(inside))}>`);
  const address = parseAddrSpec(inside);
  const display = parsePhrase(phrase);
  checkShown(address, display.text, [...display.comments, ...tail.comments]);
  return { ...address, displayName: libmime.decodeWords(display.text) };
}

function bareMailbox(tokens: Token[]): Mailbox {
  const { core, comments } = trimCfws(tokens);
  const ats = indexesOf(core, '@');
  if (ats.length === 1 && core.some((t) => t.kind === 'space' || t.kind === 'comment') && !cfwsBesideAddressSigns(core)) {
    refuse('syntax', `has a display name without <> around the address: ${quoted(render(core))}`);
  }
  const address = parseAddrSpec(core);
  checkShown(address, '', comments);
  return { ...address, displayName: '' };
}

/** Whether white space or a comment touches an '@' or '.', as in "john @ company.com" (and not "John john@company.com"). */
function cfwsBesideAddressSigns(tokens: Token[]): boolean {
  return tokens.some((t, i) => {
    if (t.kind !== 'space' && t.kind !== 'comment') return false;
    const near = [tokens[i - 1], tokens[i + 1]];
    return near.some((n) => isSpecial(n, '@') || isSpecial(n, '.'));
  });
}

type AddrSpec = Omit<Mailbox, 'displayName'>;

function parseAddrSpec(tokens: Token[]): AddrSpec {
  // The address as written, for a refusal's words only.
  const shown = () => quoted(render(tokens));
  const ats = indexesOf(tokens, '@');
  const [at] = ats;
  if (at === undefined) return refuse('syntax', `has no address (no @ in ${shown()})`);
  if (ats.length > 1) refuse('several-at-signs', `address ${shown()} has more than one unquoted @`);
  if (tokens.some((t) => t.kind === 'space' || t.kind === 'comment')) {
    refuse('address-form', `address ${shown()} holds white space or a comment inside it, which mail programs read differently`);
  }
  const local = readLocal(tokens.slice(0, at), shown);
  const domain = readDomain(tokens.slice(at + 1), shown);
  const address = `${local}@${domain}`;
  if (address.length > MAX_ADDRESS) refuse('syntax', `address ${shown()} is longer than ${MAX_ADDRESS} characters`);
  return { local, domain, address };
}

function readLocal(tokens: Token[], shown: () => string): string {
  const [first] = tokens;
  if (first === undefined) return refuse('syntax', `address ${shown()} has no local part before the @`);
  let local: string;
  if (tokens.length === 1 && first.kind === 'quoted') {
    local = first.text;
    if (local === '') refuse('syntax', `address ${shown()} has an empty local part`);
    if (local.includes('@')) refuse('at-in-local-part', `address ${shown()} has an @ inside its quoted local part`);
  } else {
    if (tokens.some((t) => t.kind === 'quoted')) refuse('address-form', `address ${shown()} mixes quoted and unquoted pieces in its local part, an obsolete form mail programs read differently`);
    local = dotAtom(tokens, () => `address ${shown()}`);
    const odd = LOCAL_ODD.exec(local)?.[0];
    if (odd !== undefined) refuse('syntax', `address ${shown()} has the character ${JSON.stringify(odd)} in its local part`);
  }
  if (hasEncodedWord(local)) refuse('encoded-word-in-address', `address ${shown()} holds an encoded word, which some mail programs decode`);
  return local;
}

function readDomain(tokens: Token[], shown: () => string): string {
  const [first] = tokens;
  if (first === undefined) return refuse('syntax', `address ${shown()} has no domain after the @`);
  if (tokens.length === 1 && first.kind === 'literal') refuse('domain-literal', `address ${shown()} uses an address literal; only verified domains may send`);
  const domain = dotAtom(tokens, () => `address ${shown()}`);
  checkHostName(domain);
  return domain;
}

/** atom *("." atom): no dot at either end, none doubled. */
function dotAtom(tokens: Token[], what: () => string): string {
  let text = '';
  let wantAtom = true;
  for (const token of tokens) {
    if (wantAtom && token.kind === 'atom') text += token.text;
    else if (!wantAtom && isSpecial(token, '.')) text += '.';
    else if (isSpecial(token, '.')) refuse('syntax', `${what()} has a dot at the start of a part or two dots in a row`);
    else refuse('syntax', `${what()} has ${JSON.stringify(render([token]))} where a name was expected`);
    wantAtom = !wantAtom;
  }
  if (wantAtom) refuse('syntax', `${what()} ends with a dot`);
  return text;
}

/** A host name: LDH labels, or IDN labels written in their one canonical Unicode form. */
function checkHostName(domain: string): void {
  const invalid = () => refuse('syntax', `domain ${quoted(domain)} is not a valid host name`);
  if (domain.length > 253) invalid();
  for (const label of domain.split('.')) {
    if (/^[\x20-\x7e]*$/.test(label)) {
      if (!LDH_LABEL.test(label) || (/^xn--/i.test(label) && domainToASCII(label) === '')) invalid();
      continue;
    }
    const ascii = domainToASCII(label);
    if (ascii === '') invalid();
    if (domainToUnicode(ascii) !== label.toLowerCase()) {
      refuse('domain-form', `domain ${quoted(domain)} is not written as the domain it stands for (${quoted(domainToUnicode(domainToASCII(domain)))})`);
    }
    if (!LDH_LABEL.test(ascii)) invalid();
  }
}

/** A display name: words, white space, comments, and dots after the first word (obs-phrase). */
function parsePhrase(tokens: Token[]): { text: string; comments: string[] } {
  let text = '';
  let gap = false;
  const comments: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'space' || token.kind === 'comment') {
      if (token.kind === 'comment') comments.push(token.text);
      gap = text !== '';
      continue;
    }
    if (token.kind === 'atom' || token.kind === 'quoted' || (isSpecial(token, '.') && text !== '')) {
      text += (gap ? ' ' : '') + (token.kind === 'special' ? '.' : token.text);
      gap = false;
      continue;
    }
    if (isSpecial(token, '@')) refuse('address-in-display-name', `display name ${quoted(render(tokens).trim())} holds an unquoted @`);
    refuse('syntax', `display name ${quoted(render(tokens).trim())} has ${JSON.stringify(render([token]))} outside quotes`);
  }
  return { text, comments };
}

/** Display name and comments may show no address but the mailbox's own, as written or decoded. */
function checkShown(address: AddrSpec, displayName: string, comments: string[]): void {
  let ownDomain: string | null = null;
  const own = { local: address.local, domain: () => (ownDomain ??= normalizeDomain(address.domain)) };
  const shownIn = (what: 'display name' | 'comment', text: string, code: MailboxProblemCode) => {
    if (text === '') return;
    const label = () => (what === 'comment' ? `comment (${quoted(text)})` : `display name ${JSON.stringify(quoted(text))}`);
    const stray = strayAddress(shownForms(text, label), own);
    if (stray === null) return;
    const found = stray === '@' ? 'an @' : `the address ${quoted(stray)}`;
    refuse(code, `${label()} shows ${found}, which is not the mailbox's own <${quoted(address.address)}>`);
  };
  shownIn('display name', displayName, 'address-in-display-name');
  for (const comment of comments) shownIn('comment', comment, 'address-in-comment');
}
