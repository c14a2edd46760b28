// Owns streaming a query's rows out of PostgreSQL with COPY (query) TO STDOUT in binary format: rows arrive as the
// server produces them and are handed on in batches (one network chunk's worth), so memory stays bounded however
// large the table. Every column of the query must be text (or null): in binary COPY a text value is its bytes in the
// client encoding (UTF-8 for node-pg), length-prefixed, so nothing needs unescaping. A batch keeps the bytes as they
// came and only says where each value lies (record-json.ts turns them into record lines without making strings);
// `text` decodes one value for the few that are wanted as strings (keys and cursors). COPY takes no parameters:
// values go into the SQL as literals (see `literal`).
import type pg from 'pg';
import { CopyOut } from './copy-out.js';

/** "PGCOPY\n\xff\r\n\0", then a 32-bit flags field and the length of a header extension. */
const SIGNATURE_LENGTH = 11;
const HEADER_LENGTH = SIGNATURE_LENGTH + 8;

/** The rows of one network chunk: where each value's bytes lie in `bytes`. */
export class RowBatch {
  constructor(
    readonly bytes: Buffer,
    /** Values per row. */
    readonly width: number,
    readonly rowCount: number,
    /** Value `f` of row `r` starts at `starts[r * width + f]`… */
    readonly starts: Int32Array,
    /** …and is that many bytes long, or -1 for null. */
    readonly lengths: Int32Array,
  ) {}

  /** Value `field` of row `row` as a string, or null. */
  text(row: number, field: number): string | null {
    const at = row * this.width + field;
    const length = this.lengths[at]!;
    return length < 0 ? null : this.bytes.toString('utf8', this.starts[at], this.starts[at]! + length);
  }

  /** Values `from`… of row `row`, as strings (for key columns, never null). */
  texts(row: number, from: number, to = this.width): string[] {
    const out: string[] = [];
    for (let f = from; f < to; f++) out.push(this.text(row, f)!);
    return out;
  }
}

/** Rows of `select` (a query whose columns are all text), in batches as they arrive; each good until the next is asked for. */
export async function* copyRows(client: pg.Client, select: string): AsyncGenerator<RowBatch> {
  const stream = client.query(new CopyOut(`COPY (${select}) TO STDOUT (FORMAT binary)`));
  let rest: Buffer | undefined;
  let headerRead = false;
  // Shared by every batch: a batch is only good until the next is asked for.
  let starts: Int32Array = new Int32Array(256);
  let lengths: Int32Array = new Int32Array(256);
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
    let width = -1;
    let rows = 0;
    const size = buffer.length;
    for (;;) {
      if (i + 2 > size) break;
      const count = (buffer[i]! << 8) | buffer[i + 1]!;
      // The trailer: a field count of -1.
      if (count === 0xffff) {
        i += 2;
        break;
      }
      if (width < 0) width = count;
      const base = rows * width;
      if (base + width > starts.length) {
        starts = grow(starts, base + width);
        lengths = grow(lengths, base + width);
      }
      let j = i + 2;
      let complete = true;
      for (let f = 0; f < count; f++) {
        if (j + 4 > size) {
          complete = false;
          break;
        }
        const length = buffer.readInt32BE(j);
        j += 4;
        starts[base + f] = j;
        lengths[base + f] = length;
        if (length > 0) j += length;
        if (j > size) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      rows++;
      i = j;
    }
    rest = i < size ? buffer.subarray(i) : undefined;
    if (rows > 0) yield new RowBatch(buffer, width, rows, starts, lengths);
  }
}

function grow(array: Int32Array, needed: number): Int32Array {
  const grown = new Int32Array(Math.max(array.length * 2, needed));
  grown.set(array);
  return grown;
}

/** A value as an SQL literal cast to `type` (COPY cannot take bind parameters). */
export function literal(client: pg.Client, value: string, type: string): string {
  return `${client.escapeLiteral(value)}::${type}`;
}
