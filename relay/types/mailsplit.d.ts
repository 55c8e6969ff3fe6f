/** The part of mailsplit the relay uses: its header block parser, which keeps unchanged lines byte for byte. */
declare module 'mailsplit/lib/headers.js' {
  export default class Headers {
    constructor(headers: Buffer | string);
    get(key: string): string[];
    getFirst(key: string): string;
    hasHeader(key: string): boolean;
    add(key: string, value: string, index?: number): void;
    addFormatted(key: string, line: string, index?: number): void;
    update(key: string, value: string): void;
    remove(key: string): void;
    getList(): { key: string; line: string }[];
    build(lineEnd?: string): Buffer;
    /** A first line mailsplit set apart as an mbox "From " line (not a header field), once the block is parsed; else false. */
    readonly mbox: string | false;
  }
}
