// Owns reading one table as one streamed query (copy-rows.ts): a full refresh ordered by primary key, checkpointed
// every chunk_size records with the last key written (so a read resumes mid-table), a plain scan for tables without
// a key, and an incremental read in cursor order whose checkpoints never split a group of rows sharing one value.
import type pg from 'pg';
import type { MessageWriter } from '../kit/message-writer.js';
import { qualifiedName, quoteIdent } from '../kit/postgres/connection.js';
import type { PgTable } from './discover.js';
import { ROW_ALIAS, type PgColumn } from './types.js';
import { recordColumns, recordData, type RecordColumns } from './record-json.js';
import { copyRows, literal, type TextRow } from './copy-rows.js';

export interface TableRead {
  client: pg.Client;
  table: PgTable;
  /** The columns the configured stream asks for. */
  columns: PgColumn[];
  chunkSize: number;
  out: MessageWriter;
  /** Text appended inside each record's data object (CDC metadata), starting with a comma; or ''. */
  extraFields: string;
}

/** Up to this many primary keys sharing the boundary cursor value are remembered, so late ties are still read. */
export const MAX_BOUNDARY_KEYS = 1000;

/** Writes rows `[start, end)` of a batch as records; returns how many. */
async function emitRows(read: TableRead, rows: TextRow[], start = 0, end = rows.length): Promise<number> {
  const { table, out } = read;
  // "stream" right after "record": the runtime recognises records from that prefix without parsing them.
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(table.name)},"namespace":${JSON.stringify(table.schema)},"data":`;
  const tail = `,"emitted_at":${Date.now()}}}`;
  const columns = columnsOf(read);
  for (let i = start; i < end; i++) {
    const waiting = out.emitLine(head + recordData(columns, rows[i]!, read.extraFields) + tail);
    if (waiting) await waiting;
  }
  return end - start;
}

const recordColumnsOf = new WeakMap<TableRead, RecordColumns>();
/** How the read's columns are selected and encoded, worked out once per read. */
function columnsOf(read: TableRead): RecordColumns {
  let columns = recordColumnsOf.get(read);
  if (!columns) recordColumnsOf.set(read, (columns = recordColumns(read.columns)));
  return columns;
}

/** The record's columns, then `extra`: a row's extra values start at index read.columns.length. */
function selectList(read: TableRead, extra: string[]): string {
  return [...columnsOf(read).select, ...extra].join(', ');
}

const columnOf = (table: PgTable, name: string): PgColumn => table.columns.find((column) => column.name === name)!;

/**
 * Full refresh by primary key: one query in key order, streamed. `after` resumes after that key; `checkpoint` runs
 * after every `chunkSize` records (and after the last) with the last key written.
 */
export async function readByPrimaryKey(
  read: TableRead,
  after: string[] | undefined,
  checkpoint: (lastKey: string[], rows: number) => Promise<void>,
): Promise<void> {
  const { client, table } = read;
  const key = table.primaryKey.map((name) => columnOf(table, name));
  const keyText = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}::text`);
  const order = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}`).join(', ');
  const resume = after ? ` WHERE (${order}) > (${key.map((column, i) => literal(client, after[i]!, column.formatted)).join(', ')})` : '';
  const sql = `SELECT ${selectList(read, keyText)} FROM ${qualifiedName(table.schema, table.name)} AS ${ROW_ALIAS}${resume} ORDER BY ${order}`;
  const width = read.columns.length;
  let sinceCheckpoint = 0;
  let last: TextRow | undefined;
  for await (const rows of copyRows(client, sql)) {
    let start = 0;
    while (start < rows.length) {
      const end = Math.min(rows.length, start + read.chunkSize - sinceCheckpoint);
      sinceCheckpoint += await emitRows(read, rows, start, end);
      last = rows[end - 1];
      start = end;
      if (sinceCheckpoint >= read.chunkSize) {
        await checkpoint(last!.slice(width) as string[], sinceCheckpoint);
        sinceCheckpoint = 0;
      }
    }
  }
  if (sinceCheckpoint > 0) await checkpoint(last!.slice(width) as string[], sinceCheckpoint);
}

/** A table or view without a primary key: one streamed query, no checkpoint before the end. */
export async function readWithoutKey(read: TableRead, onChunk: (rows: number) => Promise<void>): Promise<void> {
  const sql = `SELECT ${selectList(read, [])} FROM ${qualifiedName(read.table.schema, read.table.name)} AS ${ROW_ALIAS}`;
  for await (const rows of copyRows(read.client, sql)) await onChunk(await emitRows(read, rows));
}

export interface CursorPosition {
  /** The cursor value (as PostgreSQL prints it) up to which every row has been read. */
  cursor: string;
  /** Primary keys of the rows read at exactly that value; rows at that value with other keys are still new. */
  keys?: string[][];
}

/**
 * Incremental read by a cursor column: rows whose cursor is strictly greater than the saved one (plus rows at the
 * saved value whose key was not read yet), in cursor order, as one streamed query (an index on the cursor column
 * serves it directly; without one the server sorts once). `checkpoint` runs once at least `chunkSize` records have
 * gone out, at the first change of cursor value after them, so a checkpoint never falls between two rows sharing a
 * value; and after the last record. Rows with a null cursor are never read.
 */
export async function readByCursor(
  read: TableRead,
  cursorName: string,
  saved: CursorPosition | undefined,
  checkpoint: (position: CursorPosition, rows: number) => Promise<void>,
): Promise<void> {
  const { table, client } = read;
  const cursor = columnOf(table, cursorName);
  const ref = `${ROW_ALIAS}.${quoteIdent(cursor.name)}`;
  const key = table.primaryKey.map((name) => columnOf(table, name));
  const keyText = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}::text`);
  let lower = `${ref} IS NOT NULL`;
  if (saved) {
    const value = literal(client, saved.cursor, cursor.formatted);
    lower = `${ref} > ${value}`;
    if (saved.keys && saved.keys.length > 0 && key.length > 0) {
      const keyCols = key.map((column, i) => `(k.value->>${i})::${column.formatted}`).join(', ');
      const tuple = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}`).join(', ');
      const keys = literal(client, JSON.stringify(saved.keys), 'json');
      lower = `(${lower} OR (${ref} = ${value} AND (${tuple}) NOT IN (SELECT ${keyCols} FROM json_array_elements(${keys}) AS k)))`;
    }
  }
  const sql = `SELECT ${selectList(read, [`${ref}::text`, ...keyText])} FROM ${qualifiedName(table.schema, table.name)} AS ${ROW_ALIAS} WHERE ${lower} ORDER BY ${ref}`;
  // The group of rows sharing the cursor value read last, and the keys read at that value (undefined past MAX_BOUNDARY_KEYS).
  let value: string | undefined;
  let keys: string[][] | undefined;
  let sinceCheckpoint = 0;
  const width = read.columns.length;
  const position = (): CursorPosition => ({ cursor: value!, ...(keys && key.length > 0 ? { keys } : {}) });
  for await (const rows of copyRows(client, sql)) {
    let start = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const rowValue = row[width] as string;
      if (rowValue !== value) {
        // A new value: the group before it is complete, so a checkpoint may fall here.
        if (sinceCheckpoint >= read.chunkSize) {
          await emitRows(read, rows, start, i);
          start = i;
          await checkpoint(position(), sinceCheckpoint);
          sinceCheckpoint = 0;
        }
        value = rowValue;
        keys = saved && saved.cursor === rowValue && saved.keys ? [...saved.keys] : [];
      }
      if (keys && key.length > 0) {
        if (keys.length < MAX_BOUNDARY_KEYS) keys.push(row.slice(width + 1) as string[]);
        else keys = undefined;
      }
      sinceCheckpoint++;
    }
    await emitRows(read, rows, start, rows.length);
  }
  if (sinceCheckpoint > 0) await checkpoint(position(), sinceCheckpoint);
}
