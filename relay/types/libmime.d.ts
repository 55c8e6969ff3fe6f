/** The part of libmime (mailsplit's own MIME helper) the relay uses. */
declare module 'libmime' {
  const libmime: {
    /** Decodes RFC 2047 encoded words ("=?UTF-8?B?...?=") in a header value. */
    decodeWords(text: string): string;
    /** Decodes the text of one encoded word, given its charset and encoding ("B" or "Q"). */
    decodeWord(charset: string, encoding: string, text: string): string;
  };
  export default libmime;
}
