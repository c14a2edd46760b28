// Helpers for the PostgreSQL connector tests, on top of postgres.ts (a fresh database per test file): SQL on that
// database, and source-postgres / destination-postgres configs pointing at it.
import pg from 'pg';

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
}

/** The connection fields of a connector config, from a database URL. */
export function targetOf(url: string): PgTarget {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: parsed.pathname.slice(1),
    username: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

/** Runs SQL on a fresh connection to `url` and returns the rows. */
export async function sqlOn<T extends Record<string, any> = Record<string, any>>(url: string, text: string, values?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export function sourceConfig(url: string, schema: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...targetOf(url), schemas: [schema], ...extra };
}

export function destinationConfig(url: string, schema: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...targetOf(url), schema, ...extra };
}
