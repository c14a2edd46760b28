// Owns where Sluice's tables live in PostgreSQL: their own schema (`sluice`, or SLUICE_DATABASE_SCHEMA), never
// `public`. Opening creates the schema, and moves the tables of an install from before the schema existed out of
// `public` (rows, indexes and id sequences go with them), once, under the migrations' advisory lock.
import { SluiceError } from '../../runtime/errors.js';
import type { Driver } from './driver.js';
import { ADVISORY_LOCK } from './migrate.js';

export const DEFAULT_SCHEMA = 'sluice';

/** The tables migrations 1 and 2 created in `public` before Sluice had a schema of its own. */
const LEGACY_TABLES = ['schema_migrations', 'actors', 'connections', 'connection_state', 'jobs', 'job_attempts', 'api_tokens', 'webhooks', 'schema_changes'];

export function databaseSchema(env: NodeJS.ProcessEnv): string {
  const schema = env['SLUICE_DATABASE_SCHEMA'] || DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,43}$/.test(schema)) {
    throw new SluiceError('store.unavailable', `SLUICE_DATABASE_SCHEMA: ${JSON.stringify(schema)} is not a schema name Sluice accepts (lower-case letters, digits and _, starting with a letter or _, at most 44 characters: its job queue's schema adds _queue)`);
  }
  return schema;
}

/** Creates the schema, and moves a legacy install's tables into it; returns the tables moved. */
export async function preparePostgresSchema(driver: Driver, schema: string): Promise<string[]> {
  return driver.transaction(async (tx) => {
    await tx.all('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK]);
    await tx.run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    if (schema === 'public') return [];
    const here = await tx.one<{ found: string | null }>('SELECT to_regclass(?)::text AS found', [`"${schema}".schema_migrations`]);
    const legacy = await tx.one<{ found: string | null }>("SELECT to_regclass('public.schema_migrations')::text AS found");
    if (here?.found || !legacy?.found) return [];
    const moved: string[] = [];
    for (const table of LEGACY_TABLES) {
      const exists = await tx.one<{ found: string | null }>('SELECT to_regclass(?)::text AS found', [`public.${table}`]);
      if (!exists?.found) continue;
      await tx.run(`ALTER TABLE public.${table} SET SCHEMA "${schema}"`);
      moved.push(table);
    }
    return moved;
  });
}
