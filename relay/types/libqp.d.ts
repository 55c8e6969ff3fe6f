/** The part of libqp (nodemailer's quoted-printable codec, used by mailsplit) the relay uses. */
declare module 'libqp' {
  const libqp: {
    /** Decodes quoted-printable text (soft line breaks removed, trailing whitespace of each line dropped); each character below 256 is one octet. */
    decode(text: string): Buffer;
  };
  export default libqp;
}
