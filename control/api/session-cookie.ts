// Owns the dashboard's session cookie on the wire: its name, reading it from a Cookie header, and the Set-Cookie
// values that set and clear it. HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
// Path=/ (pages and API alike), Secure when the request came over https.
export const SESSION_COOKIE = 'sluice_session';

/** The session cookie's value in a Cookie header, or undefined. */
export function sessionFromCookies(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === SESSION_COOKIE) {
      const value = part.slice(index + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

export function setSessionCookie(session: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${session}; ${attributes(secure)}; Max-Age=${Math.floor(maxAgeMs / 1000)}`;
}

export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0`;
}

function attributes(secure: boolean): string {
  return `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
