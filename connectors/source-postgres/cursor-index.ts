// Owns telling whether an incremental stream's cursor column leads an index: without one, every incremental read
// scans the whole table and sorts it, however few rows are new, which a user should hear about.
import type pg from 'pg';
import { qualifiedName } from '../kit/postgres/connection.js';
import type { PgTable } from './discover.js';

/** Whether a valid, non-partial index of the table has `column` as its first key column. */
export async function cursorHasIndex(client: pg.Client, table: PgTable, column: string): Promise<boolean> {
  const { rows } = await client.query<{ indexed: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE i.indrelid = to_regclass($1) AND a.attname = $2 AND i.indisvalid AND i.indpred IS NULL
     ) AS indexed`,
    [qualifiedName(table.schema, table.name), column],
  );
  return rows[0]?.indexed ?? false;
}

/** The warning for a table whose cursor column has no index. */
export function missingIndexWarning(table: PgTable, column: string): string {
  return (
    `${table.schema}.${table.name}: cursor column ${column} has no index, so each incremental read scans and sorts the whole table; ` +
    `an index on it (CREATE INDEX ON ${qualifiedName(table.schema, table.name)} ("${column.replace(/"/g, '""')}")) makes re-syncs read only the new rows`
  );
}
