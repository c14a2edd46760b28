#!/usr/bin/env node
// Owns source-mysql (MySQL and MariaDB): check, discover (tables and views, typed columns, primary keys), and read
// with STREAM states — full refresh in primary-key chunks that resume mid-table, or incremental by a cursor column.
import { randomUUID } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { runConnector, ConnectorError } from '../kit/run-connector.js';
import { logMessage, streamState, streamStatus } from '../kit/messages.js';
import { streamStateBlob } from '../../protocol/state.js';
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { connectMysql } from './connection.js';
import { describeTable, listTables, type MysqlTable } from './discover.js';
import { readByCursor, readByPrimaryKey, readWithoutKey, type CursorPosition, type MysqlRead } from './table-reads.js';
import { spec, type SourceMysqlConfig } from './spec.js';

interface FullRefreshState {
  mode: 'full_refresh';
  load_id: string;
  after?: unknown[];
  complete?: boolean;
}
interface CursorState {
  mode: 'cursor';
  cursor_field: string;
  cursor?: unknown;
  keys?: unknown[][];
}

async function withConnection<T>(config: SourceMysqlConfig, work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await connectMysql(config);
  try {
    return await work(connection);
  } finally {
    await connection.end().catch(() => undefined);
  }
}

await runConnector<SourceMysqlConfig>({
  spec,
  async check(config) {
    try {
      await withConnection(config, (connection) => connection.query('SELECT 1'));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  async discover(config) {
    return withConnection(config, async (connection) => ({
      streams: (await listTables(connection, config.database)).map((table) => describeTable(table, config.database)),
    }));
  },
  async read(config, catalog, state, out) {
    await withConnection(config, async (connection) => {
      const tables = await listTables(connection, config.database);
      for (const configured of catalog.streams) {
        const name = configured.stream.name;
        const table = tables.find((candidate) => candidate.name === name);
        if (!table) {
          throw new ConnectorError(`stream ${config.database}.${name}: table ${name} does not exist in database ${config.database} (or the user may not read it)`, 'config_error');
        }
        const wanted = (configured.stream.json_schema as { properties?: Record<string, unknown> })?.properties;
        const columns = wanted ? table.columns.filter((column) => column.name in wanted) : table.columns;
        const read: MysqlRead = { connection, database: config.database, table, columns, chunkSize: config.chunk_size ?? 10_000, out };
        const saved = streamStateBlob(state, { name, namespace: config.database });
        await out.emit(streamStatus(name, 'STARTED', config.database));
        await out.emit(streamStatus(name, 'RUNNING', config.database));
        try {
          if (configured.sync_mode === 'incremental') await readIncremental(read, configured, saved as CursorState | undefined);
          else await readFullRefresh(read, saved as FullRefreshState | undefined);
        } catch (error) {
          await out.emit(streamStatus(name, 'INCOMPLETE', config.database));
          throw error;
        }
        await out.emit(streamStatus(name, 'COMPLETE', config.database));
      }
    });
  },
});

function emitState(read: MysqlRead, blob: object, rows: number): Promise<void> | undefined {
  return read.out.emit(streamState(read.table.name, { ...blob }, rows, read.database));
}

async function readFullRefresh(read: MysqlRead, saved: FullRefreshState | undefined): Promise<void> {
  const { table } = read;
  const resuming = saved?.mode === 'full_refresh' && !saved.complete && saved.load_id && table.primaryKey.length > 0;
  const loadId = resuming ? saved.load_id : randomUUID();
  await emitState(read, resuming ? saved : { mode: 'full_refresh', load_id: loadId }, 0);
  let rows = 0;
  if (table.primaryKey.length > 0) {
    await readByPrimaryKey(read, resuming ? saved.after : undefined, async (lastKey, count) => {
      await emitState(read, { mode: 'full_refresh', load_id: loadId, after: lastKey }, count);
    });
  } else {
    await readWithoutKey(read, async (count) => {
      rows += count;
    });
  }
  await emitState(read, { mode: 'full_refresh', load_id: loadId, complete: true }, rows);
}

async function readIncremental(read: MysqlRead, configured: ConfiguredAirbyteStream, saved: CursorState | undefined): Promise<void> {
  const field = cursorColumn(read.table, configured, read.database);
  let position: CursorPosition | undefined;
  if (saved?.mode === 'cursor' && saved.cursor_field === field && saved.cursor !== undefined) {
    position = { cursor: saved.cursor, ...(saved.keys ? { keys: saved.keys } : {}) };
  } else if (saved?.mode === 'cursor') {
    await read.out.emit(logMessage('WARN', `${read.database}.${read.table.name}: the cursor changed to ${field}; reading every row again`));
  }
  let emitted = false;
  await readByCursor(read, field, position, async (next, rows) => {
    emitted = true;
    await emitState(read, { mode: 'cursor', cursor_field: field, cursor: next.cursor, ...(next.keys ? { keys: next.keys } : {}) }, rows);
  });
  if (!emitted) await emitState(read, { mode: 'cursor', cursor_field: field, ...(position ?? {}) }, 0);
}

function cursorColumn(table: MysqlTable, configured: ConfiguredAirbyteStream, database: string): string {
  const field = configured.cursor_field ?? configured.stream.default_cursor_field;
  const label = `${database}.${table.name}`;
  if (!field || field.length !== 1) throw new ConnectorError(`stream ${label} is incremental but has no top-level cursor column`, 'config_error');
  if (!table.columns.some((column) => column.name === field[0])) {
    throw new ConnectorError(`stream ${label}: cursor column ${field[0]} does not exist in the table`, 'config_error');
  }
  return field[0]!;
}

