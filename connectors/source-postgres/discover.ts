// Owns finding what a PostgreSQL database offers: the tables, partitioned tables, views and materialized views of
// the configured schemas that the user may read, their columns with resolved types, and their primary keys.
import type pg from 'pg';
import type { AirbyteStream } from '../../protocol/types.generated.js';
import { columnSchema, type PgColumn } from './types.js';

export interface PgTable {
  schema: string;
  name: string;
  /** 'r' table, 'p' partitioned table, 'v' view, 'm' materialized view, 'f' foreign table. */
  kind: string;
  columns: PgColumn[];
  primaryKey: string[];
}

export const CDC_COLUMNS = {
  _ab_cdc_lsn: { type: ['null', 'integer'] },
  _ab_cdc_updated_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  _ab_cdc_deleted_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
} as const;

const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, c.relkind AS kind, a.attname AS column, NOT a.attnotnull AS nullable,
       coalesce(bt.typname, t.typname) AS type, coalesce(bt.typtype, t.typtype) AS typtype,
       et.typname AS element_type, et.typtype AS element_kind,
       format_type(a.atttypid, a.atttypmod) AS formatted
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_type et ON et.oid = (coalesce(bt.typelem, t.typelem)) AND coalesce(bt.typcategory, t.typcategory) = 'A'
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname = ANY($1::text[])
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum`;

const KEYS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS key
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indisprimary AND n.nspname = ANY($1::text[])
GROUP BY n.nspname, c.relname`;

interface ColumnRow {
  schema: string;
  table: string;
  kind: string;
  column: string;
  nullable: boolean;
  type: string;
  typtype: string;
  element_type: string | null;
  element_kind: string | null;
  formatted: string;
}

export async function listTables(client: pg.Client, schemas: string[]): Promise<PgTable[]> {
  const [columns, keys] = await Promise.all([
    client.query<ColumnRow>(COLUMNS_SQL, [schemas]),
    client.query<{ schema: string; table: string; key: string[] }>(KEYS_SQL, [schemas]),
  ]);
  const tables = new Map<string, PgTable>();
  for (const row of columns.rows) {
    const id = `${row.schema}\u0000${row.table}`;
    let table = tables.get(id);
    if (!table) {
      table = { schema: row.schema, name: row.table, kind: row.kind, columns: [], primaryKey: [] };
      tables.set(id, table);
    }
    table.columns.push({
      name: row.column,
      type: row.type,
      kind: row.typtype,
      ...(row.element_type ? { element: { type: row.element_type, kind: row.element_kind ?? 'b' } } : {}),
      formatted: row.formatted,
      nullable: row.nullable,
    });
  }
  for (const row of keys.rows) tables.get(`${row.schema}\u0000${row.table}`)!.primaryKey = row.key;
  return [...tables.values()];
}

export function isTable(table: PgTable): boolean {
  return table.kind === 'r' || table.kind === 'p';
}

/** The catalog entry for a table; in CDC mode tables carry the _ab_cdc_* columns and the LSN as their cursor. */
export function describeTable(table: PgTable, cdc: boolean): AirbyteStream {
  const properties: Record<string, unknown> = {};
  for (const column of table.columns) properties[column.name] = columnSchema(column);
  const capture = cdc && isTable(table);
  if (capture) Object.assign(properties, CDC_COLUMNS);
  return {
    name: table.name,
    namespace: table.schema,
    json_schema: { type: 'object', properties },
    supported_sync_modes: capture || !cdc ? ['full_refresh', 'incremental'] : ['full_refresh'],
    ...(capture ? { source_defined_cursor: true, default_cursor_field: ['_ab_cdc_lsn'] } : {}),
    ...(table.primaryKey.length > 0 ? { source_defined_primary_key: table.primaryKey.map((column) => [column]), is_resumable: true } : {}),
  };
}
