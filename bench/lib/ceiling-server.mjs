/**
 * The ceiling (issue 19): the least an SMTP server can do in Node on this
 * machine. Fixed replies, no parsing beyond finding each line's end and the
 * final dot, nothing written to disk, nothing delivered. Forked by
 * bench/lib/ceiling.mjs; it listens on argv[2] and, when TLS_CERT/TLS_KEY are
 * in the environment, answers STARTTLS with that certificate (the product
 * path's rows use it, so its ceiling includes the same handshake).
 */
import { createServer } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';

const port = Number(process.argv[2]);
const { TLS_CERT, TLS_KEY, TLS_EC_CERT, TLS_EC_KEY } = process.env;
// With the ECDSA twin, both are offered as the relay offers them (RSA first; OpenSSL picks what the client supports).
const secureContext = TLS_CERT
  ? createSecureContext(TLS_EC_CERT ? { cert: [TLS_CERT, TLS_EC_CERT], key: [TLS_KEY ?? '', TLS_EC_KEY ?? ''] } : { cert: TLS_CERT, key: TLS_KEY })
  : null;
const EHLO = `250-ceiling.bench.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n${secureContext ? '250-STARTTLS\r\n' : ''}250 AUTH PLAIN\r\n`;

/** One session: commands by their first letters; in DATA, only the final dot matters. @param {import('node:net').Socket} socket */
function session(socket) {
  let inData = false;
  let tail = '';
  socket.setNoDelay(true);
  socket.setEncoding('latin1');
  const onData = (/** @type {string} */ chunk) => {
    let text = tail + chunk;
    for (;;) {
      if (inData) {
        const end = text.indexOf('\r\n.\r\n');
        if (end < 0) {
          tail = text.slice(-4);
          return;
        }
        text = text.slice(end + 5);
        inData = false;
        socket.write('250 2.0.0 Ok: queued\r\n');
        continue;
      }
      const eol = text.indexOf('\r\n');
      if (eol < 0) {
        tail = text;
        return;
      }
      const verb = text.slice(0, 4).toUpperCase();
      text = text.slice(eol + 2);
      if (verb === 'EHLO') socket.write(EHLO);
      else if (verb === 'STAR' && secureContext) {
        socket.write('220 2.0.0 Ready to start TLS\r\n');
        socket.off('data', onData);
        const secure = new TLSSocket(socket, { isServer: true, secureContext });
        secure.on('error', () => secure.destroy());
        session(secure);
        return;
      } else if (verb === 'AUTH') socket.write('235 2.7.0 Authentication successful\r\n');
      else if (verb === 'DATA') {
        socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        inData = true;
        // The body begins after DATA's line; "\r\n" kept so an empty body's dot is still found.
        text = `\r\n${text}`;
      } else if (verb === 'QUIT') {
        socket.end('221 2.0.0 Bye\r\n');
        return;
      } else socket.write('250 2.0.0 Ok\r\n');
    }
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

const server = createServer((socket) => {
  socket.write('220 ceiling.bench.test ESMTP\r\n');
  session(socket);
});
server.listen(port, '127.0.0.1', () => process.send?.('listening'));
process.on('disconnect', () => process.exit(0));
