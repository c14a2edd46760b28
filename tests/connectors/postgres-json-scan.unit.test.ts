// destination-postgres reads RECORD lines without parsing them: the compact form Sluice's sources write and any
// other key order, escapes and white space give the same parts, and values are copied into COPY text digit for digit;
// STATE lines are hashed by the exact text of their numbers (echoing them is the kit's, kit-state-echo.unit.test.ts).
import { describe, expect, it } from 'vitest';
import { forEachMember, scanRecord, stringAt } from '../../connectors/kit/record-scan.js';
import { converterFor, fitsNumeric, widerTypeFor } from '../../connectors/destination-postgres/copy-values.js';
import { stateHash } from '../../connectors/destination-postgres/load-states.js';
import { parseExact } from '../../connectors/destination-postgres/exact-message.js';

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

  it('says a record without a numeric emitted_at has none (undefined), never 0', () => {
    expect(scanRecord('{"type":"RECORD","record":{"stream":"s","data":{}}}')!.emittedAt).toBeUndefined();
    expect(scanRecord('{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":"5"}}')!.emittedAt).toBeUndefined();
    expect(scanRecord('{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":null}}')!.emittedAt).toBeUndefined();
  });

  it('names the wider type for a number a column has no room for, and nothing for other values', () => {
    const wider = (type: Parameters<typeof converterFor>[0], json: string) => widerTypeFor(type, json, 0, json.length);
    expect(wider('bigint', '12345678901234567890')).toBe('numeric');
    expect(wider('bigint', '"12345678901234567890"')).toBe('numeric');
    expect(wider('bigint', '1.5')).toBe('numeric');
    expect(wider('bigint', '1e200000')).toBe('text');
    expect(wider('numeric', '1e200000')).toBe('text');
    expect(wider('bigint', '"abc"')).toBeUndefined();
    expect(wider('date', '1')).toBeUndefined();
    expect([fitsNumeric('1e400'), fitsNumeric('1e131071'), fitsNumeric('1e131072'), fitsNumeric('1e-16383'), fitsNumeric('1e-16384'), fitsNumeric('0e999999')]).toEqual([true, true, false, true, false, true]);
  });

  it('hashes states by the exact text of their numbers', () => {
    const hashOf = (cursor: string) => stateHash(parseExact(`{"type":"STATE","state":{"type":"LEGACY","data":{"c":${cursor}}}}`).state!);
    expect(hashOf('12345678901234567890')).not.toBe(hashOf('12345678901234567891'));
    expect(hashOf('5')).toBe(stateHash({ type: 'LEGACY', data: { c: 5 } }));
  });
});
