// Owns finding what a MySQL or MariaDB database offers: its tables and views, their typed columns (MariaDB's JSON
// columns recognised by their json_valid check) and primary keys.
import type mysql from 'mysql2/promise';
import type { AirbyteStream } from '../../protocol/types.generated.js';
import { columnSchema, kindOf, type MysqlColumn } from './columns.js';

export interface MysqlTable {
  name: string;
  view: boolean;
  columns: MysqlColumn[];
  primaryKey: string[];
}

export async function listTables(connection: mysql.Connection, database: string): Promise<MysqlTable[]> {
  const [tables] = await connection.query<mysql.RowDataPacket[]>(
    'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  const [columns] = await connection.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const [keys] = await connection.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  const jsonColumns = await mariadbJsonColumns(connection, database);
  return tables.map((table) => ({
    name: table['name'] as string,
    view: table['type'] === 'VIEW',
    columns: columns
      .filter((column) => column['tableName'] === table['name'])
      .map((column) => {
        const name = column['name'] as string;
        const isJson = jsonColumns.has(`${table['name']}.${name}`);
        return { name, dataType: column['dataType'], columnType: column['columnType'], kind: kindOf(column['dataType'], column['columnType'], isJson) };
      }),
    primaryKey: keys.filter((key) => key['tableName'] === table['name']).map((key) => key['name'] as string),
  }));
}

/** MariaDB stores JSON as LONGTEXT with a CHECK (json_valid(`column`)). */
async function mariadbJsonColumns(connection: mysql.Connection, database: string): Promise<Set<string>> {
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT TABLE_NAME AS tableName, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND CHECK_CLAUSE LIKE 'json_valid(%'",
      [database],
    );
    const found = new Set<string>();
    for (const row of rows) {
      const match = /^json_valid\(`(.+)`\)$/.exec(String(row['clause']));
      if (match) found.add(`${row['tableName']}.${match[1]!.replace(/``/g, '`')}`);
    }
    return found;
  } catch {
    return new Set();
  }
}

export function describeTable(table: MysqlTable, database: string): AirbyteStream {
  return {
    name: table.name,
    namespace: database,
    json_schema: { type: 'object', properties: Object.fromEntries(table.columns.map((column) => [column.name, columnSchema(column)])) },
    supported_sync_modes: ['full_refresh', 'incremental'],
    ...(table.primaryKey.length > 0 ? { source_defined_primary_key: table.primaryKey.map((column) => [column]), is_resumable: true } : {}),
  };
}
