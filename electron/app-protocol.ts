/**
 * The app:// scheme the admin window loads from instead of file://. It gives
 * the UI a real origin (for the CSP's 'self' and for checking IPC senders),
 * and its handler serves the built renderer and nothing else.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from './security.js';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://relay-desk`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs and a real origin; secure: a secure context like
 * https; Vite marks its module scripts `crossorigin`, which needs CORS and
 * fetch support on the scheme. No bypassCSP: the CSP applies here too.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/** The file under root that an app:// URL names, or null if it names anything else. */
export function rendererFileFor(root: string, url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  let path: string;
  try {
    // Decoded here, so "%2e%2e%2f" or "%5c" cannot slip past the check below.
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(root, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

/** Reads a file URL; Electron's net.fetch in the app, a stand-in in tests. */
export type FetchFile = (fileUrl: string) => Promise<Response>;

export function createAppProtocolHandler(root: string, fetchFile: FetchFile): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = request.method === 'GET' ? rendererFileFor(root, request.url) : null;
    const response = file ? await fetchFile(pathToFileURL(file).href).catch(() => null) : null;
    if (!response?.ok) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  };
}
