// Owns a read in Standard mode: each stream in turn, with STREAM states. A full refresh emits a state first (the
// load it starts or resumes, so a destination can tell a resumed load from a new one), one after every chunk (the
// last primary key read) and a final one marking the load complete; an incremental stream emits the cursor position
// after every chunk, and a warning first when its cursor column has no index.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { streamStateBlob, type NormalizedState } from '../../protocol/state.js';
import type { MessageWriter } from '../kit/message-writer.js';
import { logMessage, streamEstimate, streamState, streamStatus } from '../kit/messages.js';
import { configuredTables, cursorColumn, type ConfiguredTable } from './configured-tables.js';
import { cursorHasIndex, missingIndexWarning } from './cursor-index.js';
import { readByCursor, readByPrimaryKey, readWithoutKey, type CursorPosition, type TableRead } from './table-reads.js';

export interface FullRefreshState {
  mode: 'full_refresh';
  load_id: string;
  /** The last primary key read (PostgreSQL text forms), while the load is under way. */
  after?: string[];
  complete?: boolean;
}

export interface CursorState {
  mode: 'cursor';
  cursor_field: string;
  cursor?: string;
  keys?: string[][];
}

export interface StandardReadOptions {
  client: pg.Client;
  catalog: ConfiguredAirbyteCatalog;
  state: NormalizedState;
  out: MessageWriter;
  chunkSize: number;
  defaultSchema: string;
  database: string;
}

export async function readStandard(options: StandardReadOptions): Promise<void> {
  const { client, out } = options;
  const entries = await configuredTables(client, options.catalog, options.defaultSchema, options.database);
  for (const entry of entries) {
    const { table } = entry;
    const saved = streamStateBlob(options.state, { name: table.name, namespace: table.schema });
    const read: TableRead = { client, table, columns: entry.columns, chunkSize: options.chunkSize, out, extraFields: '' };
    await out.emit(streamStatus(table.name, 'STARTED', table.schema));
    await emitEstimate(client, entry, out);
    await out.emit(streamStatus(table.name, 'RUNNING', table.schema));
    try {
      if (entry.incremental) await readIncremental(read, entry, saved as CursorState | undefined);
      else await readFullRefresh(read, saved as FullRefreshState | undefined);
    } catch (error) {
      await out.emit(streamStatus(table.name, 'INCOMPLETE', table.schema));
      throw error;
    }
    await out.emit(streamStatus(table.name, 'COMPLETE', table.schema));
  }
}

async function readFullRefresh(read: TableRead, saved: FullRefreshState | undefined): Promise<void> {
  const { table, out } = read;
  const emit = (blob: FullRefreshState, rows: number): Promise<void> | undefined => out.emit(streamState(table.name, { ...blob }, rows, table.schema));
  const resuming = saved?.mode === 'full_refresh' && !saved.complete && saved.load_id && table.primaryKey.length > 0;
  const loadId = resuming ? saved.load_id : randomUUID();
  const start: FullRefreshState = resuming ? saved : { mode: 'full_refresh', load_id: loadId };
  if (resuming && saved.after) {
    await out.emit(logMessage('INFO', `${table.schema}.${table.name}: resuming the full refresh after primary key (${saved.after.join(', ')})`));
  }
  await emit(start, 0);
  let sinceState = 0;
  if (table.primaryKey.length > 0) {
    await readByPrimaryKey(read, start.after, async (lastKey, rows) => {
      await emit({ mode: 'full_refresh', load_id: loadId, after: lastKey }, rows);
    });
  } else {
    await readWithoutKey(read, async (rows) => {
      sinceState += rows;
    });
  }
  await emit({ mode: 'full_refresh', load_id: loadId, complete: true }, sinceState);
}

async function readIncremental(read: TableRead, entry: ConfiguredTable, saved: CursorState | undefined): Promise<void> {
  const { table, out } = read;
  const field = cursorColumn(entry);
  let position: CursorPosition | undefined;
  if (saved?.mode === 'cursor' && saved.cursor_field === field && saved.cursor !== undefined) {
    position = { cursor: saved.cursor, ...(saved.keys ? { keys: saved.keys } : {}) };
  } else if (saved && (saved as { mode?: string }).mode === 'cursor') {
    await out.emit(logMessage('WARN', `${table.schema}.${table.name}: the cursor changed to ${field}; reading every row again`));
  }
  if (isIndexable(table.kind) && !(await cursorHasIndex(read.client, table, field))) {
    await out.emit(logMessage('WARN', missingIndexWarning(table, field)));
  }
  let emitted = false;
  await readByCursor(read, field, position, async (next, rows) => {
    emitted = true;
    const blob: CursorState = { mode: 'cursor', cursor_field: field, cursor: next.cursor, ...(next.keys ? { keys: next.keys } : {}) };
    await out.emit(streamState(table.name, { ...blob }, rows, table.schema));
  });
  // Nothing new: the saved position stands (every stream ends with a state).
  if (!emitted) {
    const blob: CursorState = { mode: 'cursor', cursor_field: field, ...(position ? { cursor: position.cursor } : {}), ...(position?.keys ? { keys: position.keys } : {}) };
    await out.emit(streamState(table.name, { ...blob }, 0, table.schema));
  }
}

/** Tables, partitioned tables and materialized views can have indexes; views and foreign tables cannot. */
const isIndexable = (kind: string): boolean => kind === 'r' || kind === 'p' || kind === 'm';

async function emitEstimate(client: pg.Client, entry: ConfiguredTable, out: MessageWriter): Promise<void> {
  if (!isIndexable(entry.table.kind)) return;
  const { rows } = await client.query<{ estimate: string }>(
    `SELECT greatest(c.reltuples, 0)::bigint AS estimate FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [entry.table.schema, entry.table.name],
  );
  const estimate = Number(rows[0]?.estimate ?? 0);
  if (estimate > 0 && !entry.incremental) await out.emit(streamEstimate(entry.table.name, estimate));
}
