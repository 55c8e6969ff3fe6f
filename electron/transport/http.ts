/**
 * The headless transport: the contract over HTTP on loopback, plus the built
 * renderer as static files. Every API request carries the admin token as a
 * bearer header (no cookies, so a web page elsewhere cannot forge requests);
 * events stream as server-sent events on the same terms.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { CallResult, EventEnvelope } from '../api/contract.js';
import type { Dispatch } from '../api/dispatcher.js';
import { httpStatusOf, type ErrorCode } from '../api/error-codes.js';
import { CONTENT_SECURITY_POLICY } from '../security.js';
import { loopbackNames, type LoopbackNames } from './loopback-names.js';

export interface HttpTransportOptions {
  dispatch: Dispatch;
  events: EventEmitter<{ event: [EventEnvelope] }>;
  token: string;
  staticDir: string;
  host: string;
  port: number;
}

export interface HttpTransport {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CALL_PREFIX = '/api/call/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const expected = digest(options.token);
  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/.exec(header);
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
  };

  const sseClients = new Set<ServerResponse>();
  const onEvent = (envelope: EventEnvelope) => {
    // Serialized only for someone: the relay's events arrive several per message, watched or not.
    if (sseClients.size === 0) return;
    const frame = `data: ${JSON.stringify(envelope)}\n\n`;
    for (const res of sseClients) res.write(frame);
  };
  options.events.on('event', onEvent);

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, failure('internal', 'The request could not be handled.'));
      else res.destroy();
    });
  });

  /** Known once the port is bound (the admin may ask for port 0). */
  let names: LoopbackNames | null = null;
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!names?.host(req.headers.host)) {
      const message = `Open Relay Desk as http://127.0.0.1:${port}/ or http://localhost:${port}/ (this address was refused: it may be a DNS rebinding attempt).`;
      if (path.startsWith('/api/')) sendJson(res, 403, failure('forbidden_host', message));
      else sendText(res, 403, message);
      return;
    }
    if (path.startsWith('/api/')) {
      if (!names.origin(req.headers.origin)) {
        sendJson(res, 403, failure('forbidden_origin', 'Only the Relay Desk admin page itself may call its API.'));
        return;
      }
      if (!authorized(req)) {
        sendJson(res, 401, failure('unauthorized', 'The admin token is missing or wrong. Open the URL that `relay-desk serve` printed.'));
        return;
      }
      if (path === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        sseClients.add(res);
        req.on('close', () => sseClients.delete(res));
        return;
      }
      if (path.startsWith(CALL_PREFIX) && req.method === 'POST') {
        const body = await readJson(req);
        if (!body.ok) {
          sendJson(res, httpStatusOf(body.code), failure(body.code, body.message));
          return;
        }
        const result = await options.dispatch(decodeURIComponent(path.slice(CALL_PREFIX.length)), body.value);
        sendJson(res, statusOf(result), result);
        return;
      }
      sendJson(res, 404, failure('not_found', `No API endpoint ${req.method} ${path}.`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, failure('method_not_allowed', 'Only GET is served here.'));
      return;
    }
    await serveStatic(options.staticDir, path, res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  names = loopbackNames(port);
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    url: `http://${hostForUrl}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        options.events.off('event', onEvent);
        for (const res of sseClients) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function failure(code: ErrorCode, message: string): CallResult {
  return { ok: false, error: { code, message } };
}

function statusOf(result: CallResult): number {
  return result.ok ? 200 : httpStatusOf(result.error.code);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

type JsonBody = { ok: true; value: unknown } | { ok: false; code: ErrorCode; message: string };

async function readJson(req: IncomingMessage): Promise<JsonBody> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    return { ok: false, code: 'unsupported_media_type', message: 'Send the input as application/json.' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      return { ok: false, code: 'body_too_large', message: 'The request body is larger than 1 MB.' };
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, code: 'invalid_input', message: 'The request body is not valid JSON.' };
  }
}

async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  const relative = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  let file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) {
    sendJson(res, 404, failure('not_found', 'Not found.'));
    return;
  }
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    // Client-side routes all load the app shell.
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    sendJson(res, 404, failure('not_found', 'The admin UI is not built. Run `npm run build`.'));
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}
