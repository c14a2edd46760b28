// Helpers for the PostgreSQL connector tests, on top of postgres.ts (a fresh database per test file): SQL on that
// database, and source-postgres / destination-postgres configs pointing at it.
import pg from 'pg';
import { postgresAdminUrl, postgresAvailability } from './postgres.js';
import { requireService } from './services.js';

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

/**
 * Why the CDC tests cannot run here (no server, or wal_level is not logical), or null when they can: they skip with
 * that line, and fail under CI=true (services.ts).
 */
export async function logicalReplicationAvailability(): Promise<string | null> {
  return (
    (await postgresAvailability()) ??
    requireService(
      'PostgreSQL logical replication',
      async () => {
        const [row] = await sqlOn(postgresAdminUrl, 'SHOW wal_level');
        if (row?.['wal_level'] !== 'logical') throw new Error(`wal_level is ${row?.['wal_level']}`);
      },
      'run make postgres-logical (sets wal_level = logical and restarts the server)',
    )
  );
}
