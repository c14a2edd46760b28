// Owns reading one table in chunks: a full refresh ordered by primary key (each chunk starts after the last key
// read, so a read resumes mid-table from a checkpoint), a plain cursor scan for tables without a key, and an
// incremental read by cursor column whose chunks never split a group of rows sharing one cursor value.
// The next chunk's query is sent before the current chunk is written out, so the database and stdout overlap.
import type pg from 'pg';
import type { MessageWriter } from '../kit/message-writer.js';
import { qualifiedName, quoteIdent } from '../kit/postgres/connection.js';
import type { PgTable } from './discover.js';
import { recordJson, ROW_ALIAS, type PgColumn } from './types.js';

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

type Row = string[];

/** Writes one chunk's records; returns how many. */
async function emitRows(read: TableRead, rows: Row[]): Promise<number> {
  const { table, out } = read;
  // "stream" right after "record": the runtime recognises records from that prefix without parsing them.
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(table.name)},"namespace":${JSON.stringify(table.schema)},"data":`;
  const tail = `,"emitted_at":${Date.now()}}}`;
  const extra = read.extraFields;
  for (const row of rows) {
    let data = row[0]!;
    if (extra) data = data.length === 2 ? `{${extra.slice(1)}}` : `${data.slice(0, -1)}${extra}}`;
    const waiting = out.emitLine(head + data + tail);
    if (waiting) await waiting;
  }
  return rows.length;
}

function selectList(read: TableRead, extra: string[]): string {
  const all = read.columns.length === read.table.columns.length;
  return [recordJson(read.columns, all), ...extra].join(', ');
}

const columnOf = (table: PgTable, name: string): PgColumn => table.columns.find((column) => column.name === name)!;

/** Full refresh by primary key. `after` resumes after that key; `checkpoint` runs after each chunk is written. */
export async function readByPrimaryKey(
  read: TableRead,
  after: string[] | undefined,
  checkpoint: (lastKey: string[], rows: number) => Promise<void>,
): Promise<void> {
  const key = read.table.primaryKey.map((name) => columnOf(read.table, name));
  const keyText = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}::text`);
  const order = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}`).join(', ');
  const from = `FROM ${qualifiedName(read.table.schema, read.table.name)} AS ${ROW_ALIAS}`;
  const base = `SELECT ${selectList(read, keyText)} ${from}`;
  const resumeSql = `${base} WHERE (${order}) > (${key.map((column, i) => `$${i + 1}::${column.formatted}`).join(', ')}) ORDER BY ${order} LIMIT ${read.chunkSize}`;
  const fetch = (start: string[] | undefined): Promise<pg.QueryArrayResult<Row>> =>
    start
      ? read.client.query({ text: resumeSql, values: start, rowMode: 'array' })
      : read.client.query({ text: `${base} ORDER BY ${order} LIMIT ${read.chunkSize}`, rowMode: 'array' });
  let pending = fetch(after);
  for (;;) {
    const { rows } = await pending;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!.slice(1);
    pending = rows.length < read.chunkSize ? Promise.resolve({ rows: [] } as unknown as pg.QueryArrayResult<Row>) : fetch(last);
    // Stop the prefetch from surfacing as an unhandled rejection if writing fails first.
    pending.catch(() => undefined);
    await checkpoint(last, await emitRows(read, rows));
  }
}

/** A table or view without a primary key: one server-side cursor, no checkpoint before the end. */
export async function readWithoutKey(read: TableRead, onChunk: (rows: number) => Promise<void>): Promise<void> {
  const { client } = read;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query(`DECLARE sluice_scan NO SCROLL CURSOR FOR SELECT ${selectList(read, [])} FROM ${qualifiedName(read.table.schema, read.table.name)} AS ${ROW_ALIAS}`);
    for (;;) {
      const { rows } = await client.query<Row>({ text: `FETCH ${read.chunkSize} FROM sluice_scan`, rowMode: 'array' });
      if (rows.length === 0) break;
      await onChunk(await emitRows(read, rows));
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export interface CursorPosition {
  /** The cursor value (as PostgreSQL prints it) up to which every row has been read. */
  cursor: string;
  /** Primary keys of the rows read at exactly that value; rows at that value with other keys are still new. */
  keys?: string[][];
}

/**
 * Incremental read by a cursor column: rows whose cursor is strictly greater than the saved one (plus rows at the
 * saved value whose key was not read yet), in cursor order. Each chunk ends on a complete group of equal cursor
 * values, so a checkpoint never falls between two rows sharing a value. Rows with a null cursor are never read.
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
  const cast = (i: number): string => `$${i}::${cursor.formatted}`;
  const key = table.primaryKey.map((name) => columnOf(table, name));
  const keyText = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}::text`);
  const from = `FROM ${qualifiedName(table.schema, table.name)} AS ${ROW_ALIAS}`;
  let position = saved;
  let first = true;
  for (;;) {
    const values: unknown[] = [];
    let lower = `${ref} IS NOT NULL`;
    if (position) {
      values.push(position.cursor);
      lower = `${ref} > ${cast(1)}`;
      if (first && position.keys && position.keys.length > 0 && key.length > 0) {
        values.push(JSON.stringify(position.keys));
        const keyCols = key.map((column, i) => `(k.value->>${i})::${column.formatted}`).join(', ');
        const tuple = key.map((column) => `${ROW_ALIAS}.${quoteIdent(column.name)}`).join(', ');
        lower = `(${lower} OR (${ref} = ${cast(1)} AND (${tuple}) NOT IN (SELECT ${keyCols} FROM json_array_elements($2::json) AS k)))`;
      }
    }
    const bound = await client.query<Row>({
      text: `SELECT ${ref}::text ${from} WHERE ${lower} ORDER BY ${ref} OFFSET ${read.chunkSize - 1} LIMIT 1`,
      values,
      rowMode: 'array',
    });
    const upper = bound.rows[0]?.[0];
    const upperSql = upper === undefined ? '' : ` AND ${ref} <= ${cast(values.length + 1)}`;
    const { rows } = await client.query<Row>({
      text: `SELECT ${selectList(read, [`${ref}::text`, ...keyText])} ${from} WHERE ${lower}${upperSql} ORDER BY ${ref}`,
      values: upper === undefined ? values : [...values, upper],
      rowMode: 'array',
    });
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]![1]!;
    let keys: string[][] | undefined;
    if (key.length > 0) {
      const atLast = rows.filter((row) => row[1] === last).map((row) => row.slice(2));
      if (first && position && position.cursor === last && position.keys) atLast.unshift(...position.keys);
      if (atLast.length <= MAX_BOUNDARY_KEYS) keys = atLast;
    }
    position = { cursor: last, ...(keys ? { keys } : {}) };
    first = false;
    await checkpoint(position, await emitRows(read, rows));
    if (upper === undefined) return;
  }
}
