// Owns reading one table as one streamed query (copy-rows.ts): a full refresh ordered by primary key, checkpointed
// every chunk_size records with the last key written (so a read resumes mid-table), a plain scan for tables without
// a key, and an incremental read in cursor order whose checkpoints never split a group of rows sharing one value.
import type pg from 'pg';
import type { MessageWriter } from '../kit/message-writer.js';
import { qualifiedName, quoteIdent } from '../kit/postgres/connection.js';
import type { PgTable } from './discover.js';
import { ROW_ALIAS, type PgColumn } from './types.js';
import { recordColumns, RecordLines } from './record-json.js';
import { copyRows, literal, type RowBatch } from './copy-rows.js';

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
async function emitRows(read: TableRead, batch: RowBatch, start = 0, end = batch.rowCount): Promise<number> {
  if (end <= start) return 0;
  const lines = linesOf(read);
  const encoded = lines.encode(batch, start, end, Date.now());
  const waiting = read.out.emitBytes(encoded, () => lines.written(encoded));
  if (waiting) await waiting;
  return end - start;
}

const recordLinesOf = new WeakMap<TableRead, RecordLines>();
/** How the read's rows become record lines, worked out once per read. */
function linesOf(read: TableRead): RecordLines {
  let lines = recordLinesOf.get(read);
  if (!lines) recordLinesOf.set(read, (lines = new RecordLines(read.table.name, read.table.schema, read.columns, read.extraFields)));
  return lines;
}

/** The record's columns, then `extra`: a row's extra values start at index read.columns.length. */
function selectList(read: TableRead, extra: string[]): string {
  return [...recordColumns(read.columns).select, ...extra].join(', ');
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
  let lastKey: string[] | undefined;
  for await (const batch of copyRows(client, sql)) {
    let start = 0;
    while (start < batch.rowCount) {
      const end = Math.min(batch.rowCount, start + read.chunkSize - sinceCheckpoint);
      sinceCheckpoint += await emitRows(read, batch, start, end);
      start = end;
      if (sinceCheckpoint >= read.chunkSize) {
        await checkpoint(batch.texts(end - 1, width), sinceCheckpoint);
        sinceCheckpoint = 0;
      }
    }
    lastKey = batch.texts(batch.rowCount - 1, width);
  }
  if (sinceCheckpoint > 0) await checkpoint(lastKey!, sinceCheckpoint);
}

/** A table or view without a primary key: one streamed query, no checkpoint before the end. */
export async function readWithoutKey(read: TableRead, onChunk: (rows: number) => Promise<void>): Promise<void> {
  const sql = `SELECT ${selectList(read, [])} FROM ${qualifiedName(read.table.schema, read.table.name)} AS ${ROW_ALIAS}`;
  for await (const batch of copyRows(read.client, sql)) await onChunk(await emitRows(read, batch));
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
  for await (const batch of copyRows(client, sql)) {
    let start = 0;
    for (let i = 0; i < batch.rowCount; i++) {
      const rowValue = batch.text(i, width)!;
      if (rowValue !== value) {
        // A new value: the group before it is complete, so a checkpoint may fall here.
        if (sinceCheckpoint >= read.chunkSize) {
          await emitRows(read, batch, start, i);
          start = i;
          await checkpoint(position(), sinceCheckpoint);
          sinceCheckpoint = 0;
        }
        value = rowValue;
        keys = saved && saved.cursor === rowValue && saved.keys ? [...saved.keys] : [];
      }
      if (keys && key.length > 0) {
        if (keys.length < MAX_BOUNDARY_KEYS) keys.push(batch.texts(i, width + 1));
        else keys = undefined;
      }
      sinceCheckpoint++;
    }
    await emitRows(read, batch, start, batch.rowCount);
  }
  if (sinceCheckpoint > 0) await checkpoint(position(), sinceCheckpoint);
}
