// source-postgres writes RECORD lines from the bytes of binary COPY without making strings: every value comes out
// exactly as rendering it with JSON.stringify (strings), as is (numbers, jsonb) and encoding the line as UTF-8 did —
// escapes, control characters, multi-byte UTF-8, invalid UTF-8, nulls, long numerics, jsonb with backslashes and
// quotes, arrays rendered by the server — and rows split across network chunks are put back together; the output
// buffers are reused only once what was cut from them has been written.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { copyRows, type RowBatch } from '../../connectors/source-postgres/copy-rows.js';
import { MAX_GROWTH, isJsonNumber, writeBoolean, writeJson, writeNumber, writeString, writeVerbatim } from '../../connectors/source-postgres/json-bytes.js';
import { RecordLines } from '../../connectors/source-postgres/record-json.js';
import type { PgColumn } from '../../connectors/source-postgres/types.js';

type Writer = typeof writeString;
function write(writer: Writer, source: Buffer): string {
  const out = Buffer.alloc(source.length * MAX_GROWTH + 8);
  // Value bytes inside a larger buffer, as in a COPY chunk.
  const padded = Buffer.concat([Buffer.from('12'), source, Buffer.from('34')]);
  return out.toString('utf8', 3, writer(padded, 2, 2 + source.length, out, 3));
}

const STRINGS = ['', 'plain', 'tab\there', 'line\nbreak\r\n', 'quote " and backslash \\ and \\n', 'über 日本語 🦆 \u2028', '\u0000\u0001\u001f\u007f', '\\x41\\101', 'é'.repeat(100)];

describe('JSON from value bytes', () => {
  it('writes strings exactly as JSON.stringify does', () => {
    for (const text of STRINGS) expect(write(writeString, Buffer.from(text))).toBe(JSON.stringify(text));
    for (let byte = 0; byte < 128; byte++) {
      const text = `a${String.fromCharCode(byte)}b`;
      expect(write(writeString, Buffer.from(text))).toBe(JSON.stringify(text));
    }
  });

  it('turns invalid UTF-8 into U+FFFD as decoding did', () => {
    const bad = Buffer.from([0x61, 0xff, 0x22, 0xc3]);
    expect(write(writeString, bad)).toBe(JSON.stringify(bad.toString('utf8')));
    expect(write(writeVerbatim, bad)).toBe(bad.toString('utf8'));
    expect(write(writeVerbatim, Buffer.concat([Buffer.alloc(100, 0x61), bad]))).toBe('a'.repeat(100) + bad.toString('utf8'));
  });

  it('copies numbers digit for digit and writes NaN and infinities as strings', () => {
    const long = '12345678901234567890123456789012345678901234567890.000000000000000000001';
    for (const text of [long, '-0.5', '0', '1e+100', '-1.5E-7', '9223372036854775807']) {
      expect(isJsonNumber(Buffer.from(text), 0, text.length)).toBe(true);
      expect(write(writeNumber, Buffer.from(text))).toBe(text);
    }
    for (const text of ['NaN', 'Infinity', '-Infinity', '', '-', '01', '1.', '.5', '1e', '1e+', '+1', '1 ']) {
      expect(isJsonNumber(Buffer.from(text), 0, text.length)).toBe(false);
      expect(write(writeNumber, Buffer.from(text))).toBe(JSON.stringify(text));
    }
  });

  it('writes booleans, and json and jsonb as their text (json without line breaks)', () => {
    expect(write(writeBoolean, Buffer.from('true'))).toBe('true');
    expect(write(writeBoolean, Buffer.from('false'))).toBe('false');
    const jsonb = '{"a": "q\\"uote \\\\ back", "b": [1, 2.50, "日本"], "c": null}';
    expect(write(writeVerbatim, Buffer.from(jsonb))).toBe(jsonb);
    expect(write(writeJson, Buffer.from('{\n  "a":\r\n 1}'))).toBe('{   "a":   1}');
  });
});

const column = (name: string, type: string, element?: string): PgColumn => ({ name, type, kind: 'b', formatted: type, nullable: true, ...(element ? { element: { type: element, kind: 'b' } } : {}) });

/** Binary COPY of rows of text values (null for NULL): header, tuples, trailer. */
function binaryCopy(rows: Array<Array<string | null>>): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const value of row) {
      const length = Buffer.alloc(4);
      const bytes = value === null ? Buffer.alloc(0) : Buffer.from(value);
      length.writeInt32BE(value === null ? -1 : bytes.length);
      parts.push(length, bytes);
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

/** Runs `each` on every batch of the COPY bytes arriving in chunks of `chunkSize` (a batch is good until the next). */
async function forEachBatch(bytes: Buffer, chunkSize: number, each: (batch: RowBatch) => void): Promise<void> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const client = { query: () => Readable.from(chunks) } as unknown as pg.Client;
  for await (const batch of copyRows(client, 'SELECT 1')) each(batch);
}

describe('record lines from binary COPY', () => {
  const columns = [column('id', 'int8'), column('name', 'text'), column('amount', 'numeric'), column('ok', 'bool'), column('doc', 'jsonb'), column('tags', '_text', 'text')];
  const rows: Array<Array<string | null>> = [
    ['1', 'plain', '12.50', 'true', '{"k": "v"}', '["a","b"]', '1'],
    ['92233720368547758070', 'tab\tline\nquote"back\\ 🦆 日本', '123456789012345678901234567890.123456789', 'false', '{"q": "\\"x\\\\"}', '["\\"",null]', '2'],
    ['3', null, null, null, null, null, '3'],
    ['4', '', 'NaN', 'true', '[]', '[]', '4'],
  ];
  const expected = (emittedAt: number, row: Array<string | null>): string => {
    const value = (i: number, render: (text: string) => string): string => (row[i] === null ? 'null' : render(row[i]!));
    const data = `{"id":${value(0, (t) => t)},"name":${value(1, JSON.stringify)},"amount":${value(2, (t) => (t === 'NaN' ? '"NaN"' : t))},"ok":${value(3, (t) => t)},"doc":${value(4, (t) => t)},"tags":${value(5, (t) => t)}}`;
    return `{"type":"RECORD","record":{"stream":"items","namespace":"s","data":${data},"emitted_at":${emittedAt}}}\n`;
  };

  for (const chunkSize of [1, 7, 64, 1 << 16]) {
    it(`renders every row the same when the stream arrives in ${chunkSize}-byte chunks`, async () => {
      const lines = new RecordLines('items', 's', columns, '');
      let text = '';
      const keys: string[][] = [];
      await forEachBatch(binaryCopy(rows), chunkSize, (batch) => {
        text += lines.encode(batch, 0, batch.rowCount, 7).toString('utf8');
        for (let r = 0; r < batch.rowCount; r++) keys.push(batch.texts(r, columns.length));
      });
      expect(text).toBe(rows.map((row) => expected(7, row)).join(''));
      expect(keys).toEqual([['1'], ['2'], ['3'], ['4']]);
    });
  }

  it('appends CDC metadata inside the data object, and encodes part of a batch', async () => {
    const lines = new RecordLines('items', 's', [column('id', 'int8')], ',"_ab_cdc_lsn":null');
    const none = new RecordLines('items', 's', [], ',"_ab_cdc_lsn":null');
    const out: string[] = [];
    await forEachBatch(binaryCopy([['1'], ['2'], ['3']]), 1 << 16, (batch) => {
      out.push(lines.encode(batch, 1, 2, 5).toString(), none.encode(batch, 0, 1, 5).toString());
    });
    expect(out).toEqual([
      '{"type":"RECORD","record":{"stream":"items","namespace":"s","data":{"id":2,"_ab_cdc_lsn":null},"emitted_at":5}}\n',
      '{"type":"RECORD","record":{"stream":"items","namespace":"s","data":{"_ab_cdc_lsn":null},"emitted_at":5}}\n',
    ]);
  });
});

describe('output buffers', () => {
  it('reuses a slab only after every line cut from it is written', async () => {
    const lines = new RecordLines('items', 's', [column('name', 'text')], '');
    const held: Buffer[] = [];
    const copies: string[] = [];
    await forEachBatch(binaryCopy(Array.from({ length: 40 }, (_, i) => [String(i).padEnd(100_000, 'x')])), 1 << 20, (batch) => {
      for (let r = 0; r < batch.rowCount; r++) {
        const encoded = lines.encode(batch, r, r + 1, 1);
        held.push(encoded);
        copies.push(encoded.toString());
        // Every other line is written at once; the rest stay held, so their slabs must not be written over.
        if (r % 2 === 0) lines.written(encoded);
      }
    });
    expect(held.map((line) => line.toString())).toEqual(copies);
    expect(new Set(copies).size).toBe(40);
  });
});
