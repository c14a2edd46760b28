// Owns streaming a query's rows out of PostgreSQL with COPY (query) TO STDOUT in binary format: rows arrive as the
// server produces them and are handed on in small batches (one network chunk's worth), so memory stays bounded
// however large the table, and no result array of thousands of rows lives long enough to burden the garbage
// collector. Every column of the query must be text (or null): in binary COPY a text value is its bytes in the
// client encoding (UTF-8 for node-pg), length-prefixed, so nothing needs unescaping. COPY takes no parameters:
// values go into the SQL as literals (see `literal`).
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** One row: each column's text, or null. */
export type TextRow = Array<string | null>;

/** "PGCOPY\n\xff\r\n\0", then a 32-bit flags field and the length of a header extension. */
const SIGNATURE_LENGTH = 11;
const HEADER_LENGTH = SIGNATURE_LENGTH + 8;

/** Rows of `select` (a query whose columns are all text), in batches as they arrive. */
export async function* copyRows(client: pg.Client, select: string): AsyncGenerator<TextRow[]> {
  const stream = client.query(copyTo(`COPY (${select}) TO STDOUT (FORMAT binary)`));
  let rest: Buffer | undefined;
  let headerRead = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    let i = 0;
    if (!headerRead) {
      if (buffer.length < HEADER_LENGTH || buffer.length < HEADER_LENGTH + buffer.readInt32BE(SIGNATURE_LENGTH + 4)) {
        rest = buffer;
        continue;
      }
      i = HEADER_LENGTH + buffer.readInt32BE(SIGNATURE_LENGTH + 4);
      headerRead = true;
    }
    const rows: TextRow[] = [];
    // Most values are ASCII: decode the chunk once as latin1 (one character per byte) and cut such a value out of that
    // text, rather than decode every value on its own; a value holding a byte past 0x7f is decoded as UTF-8.
    const text = buffer.toString('latin1');
    let high = -1;
    for (;;) {
      const end = rowEnd(buffer, i);
      if (end < 0) break;
      const count = buffer.readInt16BE(i);
      // The trailer: a field count of -1.
      if (count < 0) {
        i = end;
        break;
      }
      const row: TextRow = new Array(count);
      let j = i + 2;
      for (let f = 0; f < count; f++) {
        const length = buffer.readInt32BE(j);
        j += 4;
        if (length < 0) row[f] = null;
        else {
          if (high < j) high = nextHighByte(buffer, j);
          row[f] = high >= j + length ? text.slice(j, j + length) : buffer.toString('utf8', j, j + length);
          j += length;
        }
      }
      rows.push(row);
      i = end;
    }
    rest = i < buffer.length ? buffer.subarray(i) : undefined;
    if (rows.length > 0) yield rows;
  }
}

/** The index of the first byte past 0x7f at or after `from`, or the buffer's length. */
function nextHighByte(buffer: Buffer, from: number): number {
  let i = from;
  while (i < buffer.length && buffer[i]! < 0x80) i++;
  return i;
}

/** Where the row (or trailer) starting at `i` ends, or -1 when the buffer does not hold all of it yet. */
function rowEnd(buffer: Buffer, i: number): number {
  if (i + 2 > buffer.length) return -1;
  const count = buffer.readInt16BE(i);
  let j = i + 2;
  for (let f = 0; f < count; f++) {
    if (j + 4 > buffer.length) return -1;
    const length = buffer.readInt32BE(j);
    j += 4 + Math.max(length, 0);
    if (j > buffer.length) return -1;
  }
  return j;
}

/** A value as an SQL literal cast to `type` (COPY cannot take bind parameters). */
export function literal(client: pg.Client, value: string, type: string): string {
  return `${client.escapeLiteral(value)}::${type}`;
}
