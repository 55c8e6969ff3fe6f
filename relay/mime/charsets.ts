/**
 * How a list's header and footer meet a text part's charset. Where the
 * charset can represent them they are encoded into it and the part's own
 * octets are left as they are; where it cannot (Cyrillic in an ISO-8859-1
 * part), or where it is not ASCII-compatible (UTF-16, UTF-7), the whole part
 * is converted to UTF-8 and declared so. A charset iconv-lite does not know
 * (ISO-2022-JP among them) cannot be converted: such a part is left as it is.
 */
import iconv from 'iconv-lite';

export type CharsetPlan =
  /** Encode the additions with `encode`; the part's octets stay as they are. */
  | { kind: 'keep'; encode: (text: string) => Buffer }
  /** Convert the part to UTF-8 (from `from`; null: it is ASCII already) and declare charset=utf-8. */
  | { kind: 'to-utf8'; from: string | null }
  | { kind: 'unknown' };

const UTF8 = new Set(['utf-8', 'utf8']);
/** us-ascii and its IANA aliases; also what a text part without a charset is (RFC 2045 §5.2). */
const ASCII = new Set(['us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso646-us', 'us', 'iso-ir-6', 'cp367', 'ibm367', 'csascii']);
const ALL_ASCII = String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i));

const isAscii = (text: string): boolean => !/\P{ASCII}/u.test(text);

const asciiCompatible = new Map<string, boolean>();

/** Whether every ASCII character is its own single octet both ways: then "<body" and line breaks can be found in the octets. */
function isAsciiCompatible(charset: string): boolean {
  let known = asciiCompatible.get(charset);
  if (known === undefined) {
    const octets = iconv.encode(ALL_ASCII, charset);
    known = octets.equals(Buffer.from(ALL_ASCII, 'latin1')) && iconv.decode(octets, charset) === ALL_ASCII;
    asciiCompatible.set(charset, known);
  }
  return known;
}

/** `charset` as the part declares it ('' when it does not); `texts` what will be added. */
export function charsetPlan(charset: string, texts: readonly string[]): CharsetPlan {
  const name = charset.trim().toLowerCase() || 'us-ascii';
  if (UTF8.has(name)) return { kind: 'keep', encode: (text) => Buffer.from(text, 'utf8') };
  if (ASCII.has(name)) return texts.every(isAscii) ? { kind: 'keep', encode: (text) => Buffer.from(text, 'latin1') } : { kind: 'to-utf8', from: null };
  if (!iconv.encodingExists(name)) return { kind: 'unknown' };
  if (!isAsciiCompatible(name)) return { kind: 'to-utf8', from: name };
  const representable = texts.every((text) => iconv.decode(iconv.encode(text, name), name) === text);
  return representable ? { kind: 'keep', encode: (text) => iconv.encode(text, name) } : { kind: 'to-utf8', from: name };
}
