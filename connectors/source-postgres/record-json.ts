// Owns rendering streamed rows as RECORD lines. Rendering every row with the server's row_to_json costs the server
// more than the whole plain COPY of the table, so columns of the common types are read as their text and turned into
// JSON here, exactly as to_json would write them; any other column is still rendered by the server (to_json of the
// expression types.ts gives it) and spliced in as it comes. Lines are written from the COPY bytes straight into one
// output buffer per batch (json-bytes.ts), with no string per value or per line.
import { quoteIdent } from '../kit/postgres/connection.js';
import type { RowBatch } from './copy-rows.js';
import { MAX_GROWTH, writeBoolean, writeJson, writeNumber, writeString, writeVerbatim } from './json-bytes.js';
import { columnValue, ROW_ALIAS, type PgColumn } from './types.js';

/** How a value's text (never null) becomes its JSON text: one of json-bytes.ts's writers. */
const enum Writer {
  /** Text that is JSON already: integers, jsonb, and what the server rendered with to_json. */
  Verbatim,
  Number,
  Boolean,
  String,
  Json,
}

/** Types whose text output to_json writes as is, as a JSON string, or checked as a number (domains resolved). */
const WRITERS: Record<string, Writer> = {
  int2: Writer.Verbatim,
  int4: Writer.Verbatim,
  int8: Writer.Verbatim,
  numeric: Writer.Number,
  float4: Writer.Number,
  float8: Writer.Number,
  bool: Writer.Boolean,
  text: Writer.String,
  varchar: Writer.String,
  name: Writer.String,
  uuid: Writer.String,
  json: Writer.Json,
  jsonb: Writer.Verbatim,
};

export interface RecordColumns {
  /** The select-list items, one text column per record column. */
  select: string[];
  /** How each column's text becomes JSON; Verbatim where the server already wrote JSON. */
  writers: Writer[];
}

export function recordColumns(columns: PgColumn[]): RecordColumns {
  const select: string[] = [];
  const writers: Writer[] = [];
  for (const column of columns) {
    const writer = column.element ? undefined : WRITERS[column.type];
    const ref = `${ROW_ALIAS}.${quoteIdent(column.name)}`;
    select.push(writer !== undefined ? `${ref}::text` : `to_json(${columnValue(column)})::text`);
    writers.push(writer ?? Writer.Verbatim);
  }
  return { select, writers };
}

/** Output buffers are cut from slabs of this size (a larger batch gets a slab of its own). */
const SLAB_BYTES = 1 << 20;
const NULL = Buffer.from('null');

/** Writes rows of one stream as RECORD lines (`{"type":"RECORD","record":{…,"data":{…},"emitted_at":…}}\n`). */
export class RecordLines {
  readonly #writers: Writer[];
  /** `"name":` for each column, a comma before all but the first. */
  readonly #keys: Buffer[];
  readonly #head: Buffer;
  /** Appended inside the data object (CDC metadata), its leading comma dropped when there are no columns. */
  readonly #extra: Buffer;
  readonly #fixedBytes: number;
  #slab: Buffer = Buffer.allocUnsafe(0);
  #used = 0;
  /** Lines cut from each slab not yet written; a slab left behind with none is reused (no fresh memory per batch). */
  readonly #unwritten = new Map<ArrayBufferLike, number>();
  readonly #spare: Buffer[] = [];

  constructor(stream: string, namespace: string, columns: PgColumn[], extraFields: string) {
    this.#writers = recordColumns(columns).writers;
    this.#keys = columns.map((column, i) => Buffer.from(`${i === 0 ? '' : ','}${JSON.stringify(column.name)}:`));
    // "stream" right after "record": the runtime recognises records from that prefix without parsing them.
    this.#head = Buffer.from(`{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"namespace":${JSON.stringify(namespace)},"data":{`);
    this.#extra = Buffer.from(columns.length === 0 ? extraFields.slice(1) : extraFields);
    const keyBytes = this.#keys.reduce((sum, key) => sum + key.length, 0);
    // Head, keys, "null" or two quotes per value, extra, and a tail of `},"emitted_at":<up to 20 digits>}}\n`.
    this.#fixedBytes = this.#head.length + keyBytes + 4 * columns.length + this.#extra.length + 64;
  }

  /** Rows `[start, end)` of the batch as lines; the buffer stays untouched until `written` is called with it. */
  encode(batch: RowBatch, start: number, end: number, emittedAt: number): Buffer {
    const writers = this.#writers;
    const keys = this.#keys;
    const columns = writers.length;
    const { bytes, starts, lengths, width } = batch;
    const tail = Buffer.from(`},"emitted_at":${emittedAt}}}\n`);
    const out = this.#room(this.#bound(batch, start, end));
    const head = this.#head;
    const extra = this.#extra;
    const first = this.#used;
    let o = first;
    for (let r = start; r < end; r++) {
      // The head and tail by TypedArray#set (a memmove, no allocation), cheaper than a loop over their dozens of bytes.
      out.set(head, o);
      o += head.length;
      const base = r * width;
      for (let c = 0; c < columns; c++) {
        const key = keys[c]!;
        // A key is short: a loop beats a call to set() here.
        for (let k = 0; k < key.length; k++) out[o++] = key[k]!;
        const length = lengths[base + c]!;
        if (length < 0) for (let k = 0; k < 4; k++) out[o++] = NULL[k]!;
        else {
          const from = starts[base + c]!;
          // A call each, rather than through a table: each call site sees one function, which V8 can inline.
          switch (writers[c]) {
            case Writer.Verbatim:
              o = writeVerbatim(bytes, from, from + length, out, o);
              break;
            case Writer.Number:
              o = writeNumber(bytes, from, from + length, out, o);
              break;
            case Writer.Boolean:
              o = writeBoolean(bytes, from, from + length, out, o);
              break;
            case Writer.String:
              o = writeString(bytes, from, from + length, out, o);
              break;
            default:
              o = writeJson(bytes, from, from + length, out, o);
          }
        }
      }
      if (extra.length > 0) {
        out.set(extra, o);
        o += extra.length;
      }
      out.set(tail, o);
      o += tail.length;
    }
    this.#used = o;
    this.#unwritten.set(out.buffer, (this.#unwritten.get(out.buffer) ?? 0) + 1);
    return out.subarray(first, o);
  }

  /** Lines `encode` returned have been written: their slab may be reused once all its lines are. */
  written(lines: Buffer): void {
    const left = (this.#unwritten.get(lines.buffer) ?? 1) - 1;
    if (left > 0) this.#unwritten.set(lines.buffer, left);
    else {
      this.#unwritten.delete(lines.buffer);
      if (lines.buffer !== this.#slab.buffer) this.#recycle(lines.buffer);
    }
  }

  #recycle(buffer: ArrayBufferLike): void {
    if (this.#spare.length < 2 && buffer.byteLength === SLAB_BYTES) this.#spare.push(Buffer.from(buffer));
  }

  /** At most how many bytes rows `[start, end)` can take. */
  #bound(batch: RowBatch, start: number, end: number): number {
    if (end <= start) return 0;
    const { starts, lengths, width } = batch;
    const last = (end - 1) * width + width - 1;
    // The rows' value bytes (with their length prefixes and any key columns after them, so a little more).
    const span = width === 0 ? 0 : starts[last]! + Math.max(lengths[last]!, 0) - starts[start * width]!;
    return (end - start) * this.#fixedBytes + MAX_GROWTH * span + 2 * (end - start) * width;
  }

  /** The current slab when it has `bytes` free, else a new one. */
  #room(bytes: number): Buffer {
    if (this.#slab.length - this.#used < bytes) {
      const previous = this.#slab.buffer;
      this.#slab = (bytes <= SLAB_BYTES && this.#spare.pop()) || Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
      this.#used = 0;
      if (!this.#unwritten.has(previous)) this.#recycle(previous);
    }
    return this.#slab;
  }
}
