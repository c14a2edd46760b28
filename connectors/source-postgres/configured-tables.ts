// Owns matching the configured catalog to the database: each configured stream to its table (a clear config_error
// when it is gone), the columns it selected, and the cursor column it chose.
import type pg from 'pg';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { ConnectorError } from '../kit/run-connector.js';
import { listTables, type PgTable } from './discover.js';
import type { PgColumn } from './types.js';

export interface ConfiguredTable {
  configured: ConfiguredAirbyteStream;
  table: PgTable;
  columns: PgColumn[];
  incremental: boolean;
}

export async function configuredTables(
  client: pg.Client,
  catalog: ConfiguredAirbyteCatalog,
  defaultSchema: string,
  database: string,
): Promise<ConfiguredTable[]> {
  const schemas = [...new Set(catalog.streams.map((configured) => configured.stream.namespace ?? defaultSchema))];
  const tables = await listTables(client, schemas);
  return catalog.streams.map((configured) => {
    const schema = configured.stream.namespace ?? defaultSchema;
    const name = configured.stream.name;
    const table = tables.find((candidate) => candidate.schema === schema && candidate.name === name);
    if (!table) {
      throw new ConnectorError(
        `stream ${schema}.${name}: table "${schema}"."${name}" does not exist in database ${database} (or the user may not SELECT from it)`,
        'config_error',
      );
    }
    const wanted = (configured.stream.json_schema as { properties?: Record<string, unknown> })?.properties;
    const columns = wanted ? table.columns.filter((column) => column.name in wanted) : table.columns;
    if (columns.length === 0) throw new ConnectorError(`stream ${schema}.${name}: none of the configured columns exist in the table`, 'config_error');
    return { configured, table, columns, incremental: configured.sync_mode === 'incremental' };
  });
}

/** The cursor column of an incremental stream in Standard mode, checked to exist. */
export function cursorColumn(entry: ConfiguredTable): string {
  const { configured, table } = entry;
  const field = configured.cursor_field ?? configured.stream.default_cursor_field;
  const label = `${table.schema}.${table.name}`;
  if (!field || field.length === 0) {
    throw new ConnectorError(`stream ${label} is incremental but no cursor field was chosen`, 'config_error');
  }
  if (field.length !== 1) throw new ConnectorError(`stream ${label}: the cursor must be a top-level column, not ${field.join('.')}`, 'config_error');
  const name = field[0]!;
  if (!table.columns.some((column) => column.name === name)) {
    throw new ConnectorError(`stream ${label}: cursor column ${name} does not exist in the table`, 'config_error');
  }
  return name;
}
