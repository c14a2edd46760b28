// destination-postgres reads RECORD lines without parsing them: the compact form Sluice's sources write and any
// other key order, escapes and white space give the same parts, and values are copied into COPY text digit for digit.
import { describe, expect, it } from 'vitest';
import { forEachMember, scanRecord, stringAt } from '../../connectors/destination-postgres/json-scan.js';
import { converterFor } from '../../connectors/destination-postgres/copy-values.js';

function data(line: string): Record<string, string> {
  const spans = scanRecord(line)!;
  const out: Record<string, string> = {};
  forEachMember(line, spans.dataStart, (ks, ke, vs, ve) => {
    out[stringAt(line, ks, ke)] = line.slice(vs, ve);
  });
  return out;
}

describe('scanning RECORD lines', () => {
  it('reads the compact form and any other key order alike', () => {
    const compact = '{"type":"RECORD","record":{"stream":"s","namespace":"n","data":{"a":1,"b":"x}"},"emitted_at":5}}';
    const other = ' { "record" : { "emitted_at" : 5 , "data" : { "a" : 1 , "b" : "x}" } , "meta" : {"changes":[]}, "namespace" : "n" , "stream" : "s" } , "type" : "RECORD" } ';
    expect(scanRecord(compact)).toMatchObject({ stream: 's', namespace: 'n', emittedAt: 5, metaStart: -1 });
    expect(scanRecord(other)).toMatchObject({ stream: 's', namespace: 'n', emittedAt: 5 });
    expect(data(compact)).toEqual({ a: '1', b: '"x}"' });
    expect(data(other)).toEqual({ a: '1', b: '"x}"' });
  });

  it('decodes escaped names and skips nested values and strings holding braces and quotes', () => {
    const line = '{"type":"RECORD","record":{"stream":"s\\u00e9","data":{"k\\"ey":{"x":["}",{"y":"\\\\"}]},"n":-1.5e3},"emitted_at":1}}';
    expect(scanRecord(line)).toMatchObject({ stream: 'sé' });
    expect(data(line)).toEqual({ 'k"ey': '{"x":["}",{"y":"\\\\"}]}', n: '-1.5e3' });
  });

  it('says other messages are not records', () => {
    expect(scanRecord('{"type":"STATE","state":{"type":"STREAM"}}')).toBeUndefined();
  });

  it('copies numbers digit for digit and refuses values that do not fit a column', () => {
    const value = (type: Parameters<typeof converterFor>[0], json: string) => converterFor(type)(json, 0, json.length);
    expect(value('bigint', '9223372036854775807')).toBe('9223372036854775807');
    expect(value('bigint', '9223372036854775808')).toBeUndefined();
    expect(value('numeric', '12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(value('numeric', '"NaN"')).toBe('NaN');
    expect(value('text', '"tab\\there\\\\"')).toBe('tab\\there\\\\');
    expect(value('date', '"not a date"')).toBeUndefined();
    expect(value('bytea', '"AP8Q"')).toBe('\\\\x00ff10');
    expect(value('jsonb', '{"big":12345678901234567890}')).toBe('{"big":12345678901234567890}');
  });
});
