// Owns reading one MySQL/MariaDB table in chunks: a full refresh ordered by primary key (each chunk after the last
// key read, so a read resumes mid-table), one streamed scan for tables and views without a key, and an incremental
// read by cursor column whose chunks end on complete groups of equal cursor values.
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

async function emitRows(read: MysqlRead, rows: Row[]): Promise<number> {
  const { table, out, columns } = read;
  // "stream" right after "record": the runtime recognises records from that prefix without parsing them.
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(table.name)},"namespace":${JSON.stringify(read.database)},"data":{`;
  const tail = `},"emitted_at":${Date.now()}}}`;
  const names = columns.map((column) => `${JSON.stringify(column.name)}:`);
  for (const row of rows) {
    let data = '';
    for (let i = 0; i < columns.length; i++) data += `${i === 0 ? '' : ','}${names[i]}${jsonValue(columns[i]!.kind, row[i])}`;
    const waiting = out.emitLine(head + data + tail);
    if (waiting) await waiting;
  }
  return rows.length;
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
  const order = key.map(q).join(', ');
  let last = start;
  for (;;) {
    const where = last ? after(key, last) : undefined;
    const [rows] = await read.connection.query<mysql.RowDataPacket[]>({
      sql: `SELECT ${selectList(read, key.map(q))} ${from(read)}${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${order} LIMIT ${read.chunkSize}`,
      values: where?.params ?? [],
      rowsAsArray: true,
    });
    const list = rows as unknown as Row[];
    if (list.length === 0) return;
    last = list[list.length - 1]!.slice(read.columns.length);
    await checkpoint(last, await emitRows(read, list));
    if (list.length < read.chunkSize) return;
  }
}

export async function readWithoutKey(read: MysqlRead, onChunk: (rows: number) => Promise<void>): Promise<void> {
  const raw = (read.connection as unknown as { connection: { query(options: object): { stream(options: object): AsyncIterable<Row> } } }).connection;
  const stream = raw.query({ sql: `SELECT ${selectList(read, [])} ${from(read)}`, rowsAsArray: true }).stream({ highWaterMark: read.chunkSize });
  let batch: Row[] = [];
  for await (const row of stream) {
    batch.push(row);
    if (batch.length >= read.chunkSize) {
      await onChunk(await emitRows(read, batch));
      batch = [];
    }
  }
  if (batch.length > 0) await onChunk(await emitRows(read, batch));
}

export interface CursorPosition {
  cursor: unknown;
  keys?: unknown[][];
}

/** Rows whose cursor is greater than the saved one (or equal to it with a key not read yet), in cursor order. */
export async function readByCursor(read: MysqlRead, cursorName: string, saved: CursorPosition | undefined, checkpoint: (position: CursorPosition, rows: number) => Promise<void>): Promise<void> {
  const c = q(cursorName);
  const key = read.table.primaryKey;
  let position = saved;
  let first = true;
  for (;;) {
    let lower = `${c} IS NOT NULL`;
    const params: unknown[] = [];
    if (position) {
      lower = `${c} > ?`;
      params.push(position.cursor);
      if (first && position.keys && position.keys.length > 0 && key.length > 0) {
        const tuple = key.length === 1 ? q(key[0]!) : `(${key.map(q).join(', ')})`;
        const item = key.length === 1 ? '?' : `(${key.map(() => '?').join(', ')})`;
        lower = `(${lower} OR (${c} = ? AND ${tuple} NOT IN (${position.keys.map(() => item).join(', ')})))`;
        params.push(position.cursor, ...position.keys.flat());
      }
    }
    const [bound] = await read.connection.query<mysql.RowDataPacket[]>({
      sql: `SELECT ${c} ${from(read)} WHERE ${lower} ORDER BY ${c} LIMIT 1 OFFSET ${read.chunkSize - 1}`,
      values: params,
      rowsAsArray: true,
    });
    const upper = (bound as unknown as Row[])[0]?.[0];
    const [rows] = await read.connection.query<mysql.RowDataPacket[]>({
      sql: `SELECT ${selectList(read, [c, ...key.map(q)])} ${from(read)} WHERE ${lower}${upper === undefined ? '' : ` AND ${c} <= ?`} ORDER BY ${c}`,
      values: upper === undefined ? params : [...params, upper],
      rowsAsArray: true,
    });
    const list = rows as unknown as Row[];
    if (list.length === 0) return;
    const width = read.columns.length;
    const last = list[list.length - 1]![width];
    let keys: unknown[][] | undefined;
    if (key.length > 0) {
      const atLast = list.filter((row) => String(row[width]) === String(last)).map((row) => row.slice(width + 1));
      if (first && position && String(position.cursor) === String(last) && position.keys) atLast.unshift(...position.keys);
      if (atLast.length <= MAX_BOUNDARY_KEYS) keys = atLast;
    }
    position = { cursor: last, ...(keys ? { keys } : {}) };
    first = false;
    await checkpoint(position, await emitRows(read, list));
    if (upper === undefined) return;
  }
}
