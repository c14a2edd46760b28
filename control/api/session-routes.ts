// Owns the API routes of the dashboard's session: POST /session checks an API token and answers with the session
// cookie; DELETE /session ends the session the cookie names and clears it. Neither the token nor the session id
// is ever in an answer's body or a log line.
import { signIn, signOut, SESSION_TTL_MS } from '../services/session-service.js';
import { signInBody } from './request-schemas.js';
import { NoContent, withErrors } from './response-schemas.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { API, route, type Route } from './route.js';

export function sessionRoutes(): Route[] {
  const path = `${API}/session`;
  const tag = 'session';
  return [
    route({ method: 'POST', path, tag, summary: 'Sign in with an API token: answers with an HttpOnly, SameSite=Strict session cookie (sluice_session) that the dashboard then carries',
      schema: { body: signInBody, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { body, secure }) => {
        const { session } = await signIn(store, body.token);
        return { status: 204, headers: { 'set-cookie': setSessionCookie(session, SESSION_TTL_MS, secure), 'cache-control': 'no-store' } };
      } }),
    route({ method: 'DELETE', path, tag, summary: 'Sign out: ends the session of the cookie and clears it', schema: { response: withErrors({ 204: NoContent }) },
      handle: async ({ store }, { session, secure }) => {
        if (session !== undefined) await signOut(store, session);
        return { status: 204, headers: { 'set-cookie': clearSessionCookie(secure) } };
      } }),
  ];
}
