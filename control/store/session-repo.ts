// Owns the dashboard's sign-in sessions: a session id is random (256 bits) and shown once, in the cookie; only its
// SHA-256 is stored, with the API token it was opened with and when it expires. A session is valid only while it
// has not expired and its token still exists: revoking a token ends its sessions (the join below, and the
// foreign key's cascade that deletes them).
import { createHash, randomBytes } from 'node:crypto';
import type { Driver } from './driver.js';
import type { ApiToken } from './token-repo.js';

export class SessionRepo {
  constructor(private readonly db: Driver) {}

  /** Opens a session for a token; returns the session id in clear text, the only time it is available. */
  async open(tokenId: string, ttlMs: number): Promise<{ session: string; expiresAt: number }> {
    const session = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + ttlMs;
    // Expired sessions are swept whenever one opens: the table stays as small as the number of signed-in browsers.
    await this.db.run('DELETE FROM api_sessions WHERE expires_at <= ?', [now]);
    await this.db.run('INSERT INTO api_sessions (id_hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [hash(session), tokenId, now, expiresAt]);
    return { session, expiresAt };
  }

  /** The token of a live session (its use is recorded), or undefined when the session is unknown, expired or its token revoked. */
  async verify(session: string): Promise<ApiToken | undefined> {
    const row = await this.db.one(
      'SELECT t.id, t.name, t.created_at, t.last_used_at FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.id_hash = ? AND s.expires_at > ?',
      [hash(session), Date.now()],
    );
    if (!row) return undefined;
    await this.db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [Date.now(), String(row['id'])]);
    return {
      id: String(row['id']),
      name: String(row['name']),
      createdAt: Number(row['created_at']),
      lastUsedAt: row['last_used_at'] == null ? null : Number(row['last_used_at']),
    };
  }

  async close(session: string): Promise<void> {
    await this.db.run('DELETE FROM api_sessions WHERE id_hash = ?', [hash(session)]);
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
