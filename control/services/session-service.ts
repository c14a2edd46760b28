// Owns the dashboard's sessions for the REST API (POST/DELETE /api/v1/session, and authentication by cookie): a
// browser signs in with an API token once and then holds a session id in an HttpOnly cookie, so no token lives
// in the page's script. A session lasts SESSION_TTL_MS and ends earlier when its token is revoked or it signs out.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import type { ApiToken } from '../store/token-repo.js';

export const SESSION_TTL_MS = 12 * 3_600_000;

/** Checks the token and opens a session for it; the session id is returned in clear text, once. */
export async function signIn(store: Store, token: string): Promise<{ session: string; expiresAt: number }> {
  const found = token === '' ? undefined : await store.tokens.verify(token);
  if (!found) throw new SluiceError('api.unauthorized', 'the API token is not valid', { hint: 'create one on the server with: sluice token create NAME' });
  return store.sessions.open(found.id, SESSION_TTL_MS);
}

/** The token behind a live session, or undefined. */
export function verifySession(store: Store, session: string): Promise<ApiToken | undefined> {
  return store.sessions.verify(session);
}

export function signOut(store: Store, session: string): Promise<void> {
  return store.sessions.close(session);
}
