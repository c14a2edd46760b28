// Owns bringing a database to the latest schema: each pending migration runs in its own transaction and is
// recorded in schema_migrations. Two processes starting at once are serialised (SQLite: the write lock taken by
// BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), and the loser finds nothing left to do.
import { SluiceError } from '../../runtime/errors.js';
import type { Driver } from './driver.js';
import { migrations, type Migration } from './migrations/index.js';

/** Serialises schema changes among processes sharing a PostgreSQL database. */
export const ADVISORY_LOCK = 7_140_001;

export async function migrate(driver: Driver, list: Migration[] = migrations): Promise<number[]> {
  await driver.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  await refuseNewerSchema(driver, list);
  const applied: number[] = [];
  for (const migration of list) {
    const ran = await driver.transaction(async (tx) => {
      if (driver.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(?)', [ADVISORY_LOCK]);
      const done = await tx.one('SELECT version FROM schema_migrations WHERE version = ?', [migration.version]);
      if (done) return false;
      for (const statement of splitStatements(forDialect(migration.sql, driver.dialect))) {
        try {
          await tx.run(statement);
        } catch (error) {
          throw new SluiceError('store.migration_failed', `migration ${migration.version} (${migration.name}) failed on ${driver.location}: ${(error as Error).message}`, { cause: error });
        }
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** A database migrated by a newer Sluice is left untouched: this one would misread tables it does not know. */
async function refuseNewerSchema(driver: Driver, list: Migration[]): Promise<void> {
  const known = Math.max(0, ...list.map((migration) => migration.version));
  const row = await driver.one<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  const version = Number(row?.version ?? 0);
  if (version > known) {
    throw new SluiceError('store.schema_newer', `the workspace database ${driver.location} has schema version ${version}, newer than this Sluice knows (${known})`, {
      hint: 'upgrade Sluice on this machine to the version the other machines run',
    });
  }
}

function forDialect(sql: string, dialect: Driver['dialect']): string {
  return sql.replaceAll('{{autoid}}', dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT');
}

/** Statements end with `;` at the end of a line; `--` comment lines are dropped. */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter(Boolean);
}
