// Owns the PostgreSQL driver (pg): a small pool whose every connection works in Sluice's schema (search_path a
// startup parameter of the connection), `?` placeholders rewritten to $n, BIGINT columns read as numbers (the store keeps
// epoch milliseconds and counts there, all far below 2^53).
import pg from 'pg';
import type { Driver, Queryable, Row, SqlValue } from './driver.js';

pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export class PostgresDriver implements Driver {
  readonly dialect = 'postgres' as const;
  readonly location: string;
  readonly #pool: pg.Pool;

  constructor(url: string, readonly schema: string) {
    // The search_path is a startup parameter of each connection (the schema name is a plain identifier, checked by
    // databaseSchema): set before any query, with no statement queued behind another (which pg deprecates).
    this.#pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000, options: `-c search_path=${schema}` });
    // An idle client that loses its server must not crash the process; the next query reports it.
    this.#pool.on('error', () => undefined);
    this.location = withoutPassword(url);
  }

  all<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T[]> {
    return queryWith(this.#pool, sql, params).then((result) => result.rows as T[]);
  }

  one<T extends Row = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined> {
    return this.all<T>(sql, params).then((rows) => rows[0]);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return queryWith(this.#pool, sql, params).then((result) => result.rowCount ?? 0);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const tx: Queryable = {
      all: async <R extends Row>(sql: string, params?: SqlValue[]) => (await queryWith(client, sql, params)).rows as R[],
      one: async <R extends Row>(sql: string, params?: SqlValue[]) => (await queryWith(client, sql, params)).rows[0] as R | undefined,
      run: async (sql: string, params?: SqlValue[]) => (await queryWith(client, sql, params)).rowCount ?? 0,
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function queryWith(target: pg.Pool | pg.PoolClient, sql: string, params: SqlValue[] = []): Promise<pg.QueryResult> {
  return target.query(numberPlaceholders(sql), params);
}

/** `?` → `$1, $2, …` (the store's SQL never has a `?` inside a string literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Query parameters libpq and pg accept that carry a secret. */
const SECRET_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of SECRET_PARAMETERS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return 'PostgreSQL';
  }
}
