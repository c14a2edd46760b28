// Owns API tokens: a token is shown once when created; only its SHA-256 is stored, so a leaked database does
// not leak working tokens.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SluiceError } from '../../runtime/errors.js';
import { isUniqueViolation, type Driver } from './driver.js';
import type { Page } from './records.js';

export interface ApiToken {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export class TokenRepo {
  constructor(private readonly db: Driver) {}

  /** Creates a token and returns it in clear text: the only time it is available. */
  async create(name: string): Promise<{ token: string; record: ApiToken }> {
    const token = `slc_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    try {
      await this.db.run('INSERT INTO api_tokens (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)', [id, name, hash(token), Date.now()]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new SluiceError('store.conflict', `an API token named ${name} already exists`, { cause: error });
      throw error;
    }
    return { token, record: (await this.list()).find((item) => item.id === id)! };
  }

  async verify(token: string): Promise<ApiToken | undefined> {
    const row = await this.db.one('SELECT id, name, created_at, last_used_at FROM api_tokens WHERE token_hash = ?', [hash(token)]);
    if (!row) return undefined;
    await this.db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [Date.now(), String(row['id'])]);
    return toToken(row);
  }

  async count(): Promise<number> {
    const row = await this.db.one<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens');
    return Number(row?.n ?? 0);
  }

  async list(page: Page = {}): Promise<ApiToken[]> {
    const rows = await this.db.all('SELECT id, name, created_at, last_used_at FROM api_tokens ORDER BY name LIMIT ? OFFSET ?', [page.limit ?? 1_000_000, page.offset ?? 0]);
    return rows.map(toToken);
  }

  async revoke(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM api_tokens WHERE name = ? OR id = ?', [name, name])) > 0;
  }
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toToken(row: Record<string, unknown>): ApiToken {
  return {
    id: String(row['id']),
    name: String(row['name']),
    createdAt: Number(row['created_at']),
    lastUsedAt: row['last_used_at'] == null ? null : Number(row['last_used_at']),
  };
}
