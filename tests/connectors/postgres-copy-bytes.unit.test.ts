// destination-postgres writes each value's COPY text from the input line's bytes: the result must be the bytes of
// what the text converters (copy-values.ts) give for the same value — escapes decoded and COPY-escaped, multi-byte
// UTF-8 kept, numbers digit for digit, the same values refused — and RECORD lines read as bytes give the same parts.
import { describe, expect, it } from 'vitest';
import type { CopyStreamQuery } from 'pg-copy-streams';
import type { ColumnType } from '../../connectors/destination-postgres/column-types.js';
import { converterFor } from '../../connectors/destination-postgres/copy-values.js';
import { byteConverterFor } from '../../connectors/destination-postgres/copy-bytes.js';
import { CopyWriter } from '../../connectors/destination-postgres/copy-writer.js';
import { RawIds } from '../../connectors/destination-postgres/raw-ids.js';
import { MemberCursor, RecordScan } from '../../connectors/kit/record-bytes.js';
import { forEachMember, scanRecord } from '../../connectors/kit/record-scan.js';

const writer = (): CopyWriter => new CopyWriter({ on: () => undefined } as unknown as CopyStreamQuery);

/** The COPY text the byte converter writes for `json` (in a line with text around it), or undefined when refused. */
function viaBytes(type: ColumnType, json: string): string | undefined {
  const line = Buffer.from(`{"x":${json}}`);
  const out = writer();
  out.startRow(4);
  const end = byteConverterFor(type)(line, 5, out);
  // The converter finds where the value ends, whether it takes the value or not.
  expect(end >= 0 ? end : ~end, `the end of ${json}`).toBe(line.length - 1);
  return end >= 0 ? out.buffer.toString('utf8', 0, out.used) : undefined;
}

/** The text converter's COPY text as the bytes COPY got from it (a lone surrogate is encoded as U+FFFD). */
const viaText = (type: ColumnType, json: string): string | undefined => {
  const text = converterFor(type)(json, 0, json.length);
  return text === undefined ? undefined : Buffer.from(text).toString('utf8');
};

const TYPES: ColumnType[] = ['bigint', 'numeric', 'boolean', 'text', 'date', 'time without time zone', 'timestamp with time zone', 'timestamp without time zone', 'jsonb', 'bytea'];

const VALUES = [
  '"plain"',
  '""',
  '"tab\\there"',
  '"new\\nline\\r\\n"',
  '"back\\\\slash"',
  '"quote \\" and slash \\/"',
  '"\\b\\f"',
  '"\\u00e9t\\u00E9 \\u20ac \\ud83d\\ude00"',
  '"\\u0009\\u000a\\u000d\\u005c"',
  '"nul\\u0000gone"',
  '"lone \\ud83d surrogate"',
  '"lone low \\ude00"',
  '"été € 😀 raw"',
  '"ends with escape \\\\"',
  '"bad \\x escape"',
  '"short \\u12"',
  '12345678901234567890',
  '-9223372036854775808',
  '9223372036854775807',
  '9223372036854775808',
  '123456789012345678',
  '-12',
  '-',
  '0.1234567890123456789012345',
  '1e5',
  '1.5E+3',
  '1e131072',
  '"12"',
  '" 42 "',
  '"NaN"',
  'true',
  'false',
  '"true"',
  '"2024-02-29"',
  '"2024-01-01T10:00:00.123456+05:30"',
  '"2024-01-01 00:00:00Z"',
  '"2024-01-01T00:00:00+0"',
  '"not a date"',
  '"12:30:00"',
  '"AP8Q"',
  '{"a":"x\\\\y","b":[1,2.50,"\\n"]}',
  '{"big":1e999999}',
  '{"e":2, "k\\"":"v"}',
  '[1, 2]',
];

describe('COPY text written from the bytes of a value', () => {
  it('is, for every type and value, the text converters’ result (or the same refusal)', () => {
    for (const type of TYPES) {
      for (const json of VALUES) {
        let expected: string | undefined | Error;
        try {
          expected = viaText(type, json);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => viaBytes(type, json), `${type} ${json}`).toThrow();
        else expect(viaBytes(type, json), `${type} ${json}`).toBe(expected);
      }
    }
  });

  it('decodes escapes and COPY-escapes them, keeps multi-byte UTF-8 and drops NULs', () => {
    expect(viaBytes('text', '"a\\tb\\nc\\\\d\\"e"')).toBe('a\\tb\\nc\\\\d"e');
    expect(viaBytes('text', '"\\u00e9\\u4e2d\\ud83d\\ude00"')).toBe('é中😀');
    expect(viaBytes('text', '"é中😀"')).toBe('é中😀');
    expect(viaBytes('text', '"a\\u0000b"')).toBe('ab');
    expect(viaBytes('text', '"\\u005c\\u0009"')).toBe('\\\\\\t');
  });

  it('copies numbers digit for digit and refuses what does not fit', () => {
    expect(viaBytes('numeric', '12345678901234567890.123456789012345678901234567890')).toBe('12345678901234567890.123456789012345678901234567890');
    expect(viaBytes('bigint', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(viaBytes('bigint', '9223372036854775808')).toBeUndefined();
    expect(viaBytes('numeric', '1e131072')).toBeUndefined();
  });

  it('writes JSON for jsonb as it is, with backslashes, tabs and newlines escaped for COPY', () => {
    expect(viaBytes('jsonb', '{"a":"x\\\\y\\n",\t"b":\n1}')).toBe('{"a":"x\\\\\\\\y\\\\n",\\t"b":\\n1}');
    expect(viaBytes('text', '{"a":"\\u00e9"}')).toBe('{"a":"\\\\u00e9"}');
  });
});

describe('RECORD lines read as bytes', () => {
  const lines = [
    '{"type":"RECORD","record":{"stream":"s","namespace":"n","data":{"a":1,"b":"x}"},"emitted_at":5}}',
    '{"type":"RECORD","record":{"stream":"s","data":{"é":"ü","n":null},"emitted_at":1700000000000}}  ',
    ' { "record" : { "emitted_at" : 5 , "data" : { "a" : 1 , "b" : "x}" } , "meta" : {"changes":[]}, "namespace" : "n" , "stream" : "s" } , "type" : "RECORD" } ',
    '{"type":"RECORD","record":{"stream":"s\\u00e9","data":{"k\\"ey":{"x":["}",{"y":"\\\\"}]},"n":-1.5e3},"emitted_at":1}}',
    '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":"5"}}',
    '{"type":"RECORD","record":{"stream":"s","data":{"a":[]},"emitted_at":12345678901234567890}}',
  ];

  it('give the stream, namespace, emitted_at and data members the string scan gives', () => {
    const scan = new RecordScan();
    const members = new MemberCursor();
    for (const text of lines) {
      const spans = scanRecord(text)!;
      const line = Buffer.from(text);
      expect(scan.scan(line), text).toBe(true);
      expect({ stream: scan.stream, namespace: scan.namespace, emittedAt: scan.emittedAt }).toEqual({ stream: spans.stream, namespace: spans.namespace, emittedAt: spans.emittedAt });
      const expected: string[] = [];
      forEachMember(text, spans.dataStart, (ks, ke, vs, ve) => expected.push(`${text.slice(ks, ke)}:${text.slice(vs, ve)}`));
      const found: string[] = [];
      members.start(line, scan.dataStart);
      while (members.next()) found.push(`${line.toString('utf8', members.keyStart, members.keyEnd)}:${line.toString('utf8', members.valueStart, members.valueEnd)}`);
      expect(found).toEqual(expected);
    }
    expect(scan.scan(Buffer.from('{"type":"STATE","state":{"type":"STREAM"}}'))).toBe(false);
    expect(() => scan.scan(Buffer.from('{"type":"RECORD","record":{"stream":"s","data":{"a":"open}}}'))).toThrow();
  });
});

describe('raw ids', () => {
  it('are distinct version 4 UUIDs', () => {
    const ids = new RawIds();
    const out = writer();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      out.used = 0;
      ids.write(out);
      const id = out.buffer.toString('latin1', 0, out.used);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(10_000);
  });
});
