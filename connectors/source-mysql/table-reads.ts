// Owns reading one MySQL/MariaDB table as one streamed query (rows arrive as the server sends them, the connection
// pausing while stdout is slow, so memory stays bounded): a full refresh ordered by primary key, checkpointed every
// chunk_size records with the last key written (so a read resumes mid-table), a plain scan for tables and views
// without a key, and an incremental read in cursor order whose checkpoints never split a group of equal cursor values.
import type mysql from 'mysql2/promise';
import type { MessageWriter } from '../kit/message-writer.js';
import { jsonValue, type MysqlColumn } from './columns.js';
import { quoteMysql as q } from './connection.js';
import type { MysqlTable } from './discover.js';

export interface MysqlRead {
  connection: mysql.Connection;
  database: string;
  table: MysqlTable;
  columns: MysqlColumn[];
  chunkSize: number;
  out: MessageWriter;
}

export const MAX_BOUNDARY_KEYS = 1000;
type Row = unknown[];

/**
 * Writes each row of a query as a record as it arrives, calling `before` with each row first: a checkpoint due after
 * the rows written so far goes out there, once the next row shows where the group of rows ends.
 */
async function emitRows(read: MysqlRead, sql: string, values: unknown[], before: (row: Row) => Promise<void> | undefined): Promise<void> {
  const { table, out, columns } = read;
  // "stream" right after "record": the runtime recognises records from that prefix without parsing them.
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(table.name)},"namespace":${JSON.stringify(read.database)},"data":{`;
  const names = columns.map((column, i) => `${i === 0 ? '' : ','}${JSON.stringify(column.name)}:`);
  const kinds = columns.map((column) => column.kind);
  let tail = '';
  let tailSince = 0;
  for await (const row of streamRows(read, sql, values)) {
    // emitted_at: read at most once per millisecond's worth of rows, not once per row.
    if (++tailSince >= 1000 || tail === '') {
      tail = `},"emitted_at":${Date.now()}}}`;
      tailSince = 0;
    }
    const checkpoint = before(row);
    if (checkpoint) await checkpoint;
    let data = '';
    for (let i = 0; i < kinds.length; i++) data += names[i]! + jsonValue(kinds[i]!, row[i]);
    const waiting = out.emitLine(head + data + tail);
    if (waiting) await waiting;
  }
}

/** A query's rows as arrays, streamed (mysql2 pauses the connection while the consumer is busy). */
function streamRows(read: MysqlRead, sql: string, values: unknown[]): AsyncIterable<Row> {
  const raw = (read.connection as unknown as { connection: { query(options: object): { stream(options: object): AsyncIterable<Row> } } }).connection;
  return raw.query({ sql, values, rowsAsArray: true }).stream({ highWaterMark: 1000 });
}

const from = (read: MysqlRead): string => `FROM ${q(read.database)}.${q(read.table.name)}`;
const selectList = (read: MysqlRead, extra: string[]): string => [...read.columns.map((column) => q(column.name)), ...extra].join(', ');

/** `(k1, k2) > (?, ?)` spelled out so that every server uses the key's index. */
function after(key: string[], values: unknown[]): { sql: string; params: unknown[] } {
  const terms: string[] = [];
  const params: unknown[] = [];
  key.forEach((_, i) => {
    const equal = key.slice(0, i).map((column) => `${q(column)} = ?`);
    terms.push(`(${[...equal, `${q(key[i]!)} > ?`].join(' AND ')})`);
    params.push(...values.slice(0, i), values[i]);
  });
  return { sql: terms.join(' OR '), params };
}

export async function readByPrimaryKey(read: MysqlRead, start: unknown[] | undefined, checkpoint: (lastKey: unknown[], rows: number) => Promise<void>): Promise<void> {
  const key = read.table.primaryKey;
  const where = start ? after(key, start) : undefined;
  const sql = `SELECT ${selectList(read, key.map(q))} ${from(read)}${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${key.map(q).join(', ')}`;
  let last: Row | undefined;
  let sinceCheckpoint = 0;
  await emitRows(read, sql, where?.params ?? [], (row) => {
    let due: Promise<void> | undefined;
    if (sinceCheckpoint >= read.chunkSize) {
      due = checkpoint(last!.slice(read.columns.length), sinceCheckpoint);
      sinceCheckpoint = 0;
    }
    last = row;
    sinceCheckpoint++;
    return due;
  });
  if (sinceCheckpoint > 0) await checkpoint(last!.slice(read.columns.length), sinceCheckpoint);
}

export async function readWithoutKey(read: MysqlRead, onChunk: (rows: number) => Promise<void>): Promise<void> {
  let sinceChunk = 0;
  await emitRows(read, `SELECT ${selectList(read, [])} ${from(read)}`, [], () => {
    let due: Promise<void> | undefined;
    if (sinceChunk >= read.chunkSize) {
      due = onChunk(sinceChunk);
      sinceChunk = 0;
    }
    sinceChunk++;
    return due;
  });
  if (sinceChunk > 0) await onChunk(sinceChunk);
}

export interface CursorPosition {
  cursor: unknown;
  keys?: unknown[][];
}

/**
 * Rows whose cursor is greater than the saved one (or equal to it with a key not read yet), in cursor order, as one
 * streamed query. `checkpoint` runs once at least `chunkSize` records have gone out, after the last row of a cursor
 * value (so a checkpoint never falls between two rows sharing one), and after the last record.
 */
export async function readByCursor(read: MysqlRead, cursorName: string, saved: CursorPosition | undefined, checkpoint: (position: CursorPosition, rows: number) => Promise<void>): Promise<void> {
  const c = q(cursorName);
  const key = read.table.primaryKey;
  let lower = `${c} IS NOT NULL`;
  const params: unknown[] = [];
  if (saved) {
    lower = `${c} > ?`;
    params.push(saved.cursor);
    if (saved.keys && saved.keys.length > 0 && key.length > 0) {
      const tuple = key.length === 1 ? q(key[0]!) : `(${key.map(q).join(', ')})`;
      const item = key.length === 1 ? '?' : `(${key.map(() => '?').join(', ')})`;
      lower = `(${lower} OR (${c} = ? AND ${tuple} NOT IN (${saved.keys.map(() => item).join(', ')})))`;
      params.push(saved.cursor, ...saved.keys.flat());
    }
  }
  const width = read.columns.length;
  // The cursor value read last (and its text, to compare), and the keys read at that value (undefined past MAX_BOUNDARY_KEYS).
  let value: unknown;
  let valueText: string | undefined;
  let keys: unknown[][] | undefined;
  let sinceCheckpoint = 0;
  const position = (): CursorPosition => ({ cursor: value, ...(keys && key.length > 0 ? { keys } : {}) });
  const sql = `SELECT ${selectList(read, [c, ...key.map(q)])} ${from(read)} WHERE ${lower} ORDER BY ${c}`;
  await emitRows(read, sql, params, (row) => {
    const text = String(row[width]);
    let due: Promise<void> | undefined;
    if (text !== valueText) {
      if (sinceCheckpoint >= read.chunkSize) {
        due = checkpoint(position(), sinceCheckpoint);
        sinceCheckpoint = 0;
      }
      value = row[width];
      valueText = text;
      keys = saved && String(saved.cursor) === text && saved.keys ? [...saved.keys] : [];
    }
    if (keys && key.length > 0) {
      if (keys.length < MAX_BOUNDARY_KEYS) keys.push(row.slice(width + 1));
      else keys = undefined;
    }
    sinceCheckpoint++;
    return due;
  });
  if (sinceCheckpoint > 0) await checkpoint(position(), sinceCheckpoint);
}
