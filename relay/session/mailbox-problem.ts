/**
 * Why a From or Sender field is refused. Each reason has a stable code and
 * a kind that decides the reply: plain syntax (554 5.6.0) or a field that mail
 * programs could read as another sender (550 5.7.1).
 */

export type MailboxProblemKind = 'syntax' | 'deceptive';

const KINDS = {
  /** The field is not a valid mailbox list or mailbox. */
  syntax: 'syntax',
  /** Nothing but white space and comments. */
  empty: 'syntax',
  /** `name: a@b, c@d;`: From and Sender hold mailboxes (RFC 5322 §3.6.2), not groups. */
  group: 'syntax',
  /** Bytes that are not UTF-8 (RFC 6532). */
  'not-utf8': 'syntax',
  /** The Sender field names more or less than one mailbox. */
  'several-sender-mailboxes': 'syntax',
  /** No From field at all. */
  missing: 'syntax',
  'control-character': 'deceptive',
  /** Bidi overrides, zero-width and other format characters that hide or reorder text. */
  'invisible-character': 'deceptive',
  'several-at-signs': 'deceptive',
  'at-in-local-part': 'deceptive',
  'address-in-display-name': 'deceptive',
  'address-in-comment': 'deceptive',
  /** More than one <...> in one mailbox, or a list inside one. */
  'several-addresses': 'deceptive',
  'text-after-address': 'deceptive',
  /** The obsolete source route `<@host:local@domain>`. */
  route: 'deceptive',
  /** White space or a comment inside an addr-spec, or an obsolete mix of quoted and dotted local part. */
  'address-form': 'deceptive',
  'domain-literal': 'deceptive',
  /** A domain written in a form that maps to another one (full-width letters, an ideographic dot). */
  'domain-form': 'deceptive',
  'encoded-word-charset': 'deceptive',
  'encoded-word-in-address': 'deceptive',
  /** An encoded word holding a character that splits the field where RFC 5322 readers and RFC 2047 decoders disagree. */
  'encoded-word-form': 'deceptive',
  'duplicate-field': 'deceptive',
  /** A header line that some readers take for From or Sender and others do not ("From :", "From\0:"). */
  'field-name': 'deceptive',
  'several-from-without-sender': 'deceptive',
} as const satisfies Record<string, MailboxProblemKind>;

export type MailboxProblemCode = keyof typeof KINDS;

export interface MailboxProblem {
  code: MailboxProblemCode;
  kind: MailboxProblemKind;
  /** What is wrong, in words that follow the field's name ("From header ..."). */
  detail: string;
}

/** Thrown inside the parser and caught at its entry: the first problem found ends the reading. */
export class MailboxRefusal extends Error {
  readonly problem: MailboxProblem;

  constructor(code: MailboxProblemCode, detail: string) {
    super(detail);
    this.problem = { code, kind: KINDS[code], detail };
  }
}

export function problem(code: MailboxProblemCode, detail: string): MailboxProblem {
  return { code, kind: KINDS[code], detail };
}

export function kindOf(code: MailboxProblemCode): MailboxProblemKind {
  return KINDS[code];
}

/** Characters no reader agrees on: C0 and C1 controls (but the tab, which is white space), DEL. */
const CONTROL = /(?!\t)\p{Cc}/u;
/** Format characters (bidi overrides, zero-width space, BOM...) and line separators; ZWNJ and ZWJ stay, as scripts and emoji need them. */
const INVISIBLE = /(?![\u200c\u200d])[\p{Cf}\u2028\u2029]/u;

/** The U+XXXX name of a character. */
function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Refuses text holding a control or invisible character. */
export function assertVisible(text: string, where: string): void {
  const control = CONTROL.exec(text)?.[0];
  if (control !== undefined) throw new MailboxRefusal('control-character', `${where} the control character ${codePointName(control)}, which mail programs read differently`);
  const invisible = INVISIBLE.exec(text)?.[0];
  if (invisible !== undefined) throw new MailboxRefusal('invisible-character', `${where} the invisible character ${codePointName(invisible)}, which can disguise an address`);
}

const MAX_QUOTED = 80;

/** Client text as a reply may quote it: control and invisible characters named, long text cut. */
export function quoted(text: string): string {
  const safe = text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `<${codePointName(c)}>`);
  return safe.length > MAX_QUOTED ? `${safe.slice(0, MAX_QUOTED)}...` : safe;
}
