// Owns who may call the API and load the dashboard. A request with `Authorization: Bearer TOKEN` must carry a token
// created with `sluice token create` (only its hash is stored). A browser signs in once (POST /api/v1/session) and
// then carries the `sluice_session` cookie instead. A request with neither is accepted only from a loopback
// address, and only while the server allows it (`sluice serve --require-token` turns that off).
// What needs no authentication is the minimum to sign in: POST/DELETE /api/v1/session and the dashboard's shell
// (index.html, also as the answer to a browser's page address, and /assets/*), which hold no data (docs/decisions/2026-12-02-dashboard-sessions.md).
// A state-changing request authenticated by the cookie must also show it comes from this server's own pages: an
// Origin header (the request guard has checked it is this server's) or `Sec-Fetch-Site: same-origin`.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import { verifyToken } from '../services/token-service.js';
import { verifySession } from '../services/session-service.js';
import { sessionFromCookies } from './session-cookie.js';
import { API } from './route.js';

export interface AuthOptions {
  /** Accept requests without a token from loopback clients (default true). */
  allowLoopbackWithoutToken: boolean;
}

export interface AuthRequest {
  method: string;
  /** The request's path, without its query. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string | undefined;
  /** True when the router matched no route (the request goes to the not-found handler). */
  unrouted: boolean;
}

export type Authenticated = { via: 'token' | 'session'; name: string } | { via: 'loopback' | 'public' };

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export async function authenticate(request: AuthRequest, store: Store, options: AuthOptions): Promise<Authenticated> {
  if (isPublic(request)) return { via: 'public' };
  const header = single(request.headers['authorization']);
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new SluiceError('api.unauthorized', 'the Authorization header must be "Bearer TOKEN"');
    const token = await verifyToken(store, match[1]!);
    if (!token) throw new SluiceError('api.unauthorized', 'the API token is not valid', { hint: 'create one with: sluice token create NAME' });
    return { via: 'token', name: token.name };
  }
  const session = sessionFromCookies(request.headers['cookie']);
  // An unknown or expired session counts as none: a loopback client that may go without one still gets in.
  const signedIn = session === undefined ? undefined : await verifySession(store, session);
  if (signedIn) {
    checkSameOrigin(request);
    return { via: 'session', name: signedIn.name };
  }
  if (options.allowLoopbackWithoutToken && isLoopback(request.remoteAddress)) return { via: 'loopback' };
  throw new SluiceError('api.unauthorized', options.allowLoopbackWithoutToken
    ? 'an API token is required for clients that are not on this machine'
    : 'an API token is required', { hint: 'send Authorization: Bearer TOKEN; create one with: sluice token create NAME' });
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Signing in and out, and the dashboard's shell: nothing in them is data. A browser's request for a page of the
 * dashboard (an address no route answers, asking for HTML: /connections/x from a bookmark) gets the same shell, which
 * then shows the sign-in page, instead of a bare 401. Whether a route answers is the router's word, not a test of the
 * path's spelling: the router decodes escapes, so /%61pi/v1/connections is the API's route.
 */
function isPublic({ method, path, headers, unrouted }: AuthRequest): boolean {
  if (path === `${API}/session`) return method === 'POST' || method === 'DELETE';
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/' || path === '/index.html' || (path.startsWith('/assets/') && !path.includes('..'))) return true;
  return unrouted && !isApiPath(path) && (single(headers['accept']) ?? '').includes('text/html');
}

const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * A browser sends the cookie with any request to this server, including one a page of another site makes it send;
 * SameSite=Strict already keeps it off those, and this is the second lock: a write must say where it comes from.
 */
function checkSameOrigin(request: AuthRequest): void {
  if (SAFE_METHODS.includes(request.method)) return;
  if (single(request.headers['origin']) !== undefined) return;
  if (single(request.headers['sec-fetch-site'])?.toLowerCase() === 'same-origin') return;
  throw new SluiceError('api.forbidden', `${request.method} ${request.path} with a session cookie must come from this server's own pages`, {
    hint: 'a browser sends Origin (or Sec-Fetch-Site: same-origin) by itself; other clients send Authorization: Bearer TOKEN',
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
