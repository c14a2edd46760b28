import { describe, expect, it } from 'vitest';
import { classifyLine, recordStreamFromPrefix } from '../../protocol/envelope.js';
import { mayLoseDigits } from '../../protocol/exact-json.js';

const classify = (text: string) => {
  const buffer = Buffer.from(text);
  return classifyLine(buffer, 0, buffer.length);
};

describe('classifyLine', () => {
  it('recognises a compact RECORD from its prefix without parsing it', () => {
    const line = '{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":1}}';
    expect(classify(line)).toEqual({ kind: 'record', stream: 'users', longNumber: false, dataStart: line.indexOf('{"id"'), dataEnd: line.indexOf(',"emitted_at"') });
  });

  it("recognises Python's spaced separators", () => {
    expect(classify('{"type": "RECORD", "record": {"stream": "numbers", "data": {"id": 1}, "emitted_at": 1}}')).toEqual({
      kind: 'record',
      stream: 'numbers',
      longNumber: false,
      dataStart: 59,
      dataEnd: 68,
    });
  });

  it('parses a RECORD whose type comes last and keeps its unknown fields', () => {
    const kind = classify('{"record":{"data":{"id":1},"stream":"s","emitted_at":1,"x":true},"x_extra":1,"type":"RECORD"}');
    expect(kind).toMatchObject({ kind: 'message', message: { record: { stream: 's' }, x_extra: 1 } });
  });

  it('takes the slow path for escaped stream names', () => {
    expect(recordStreamFromPrefix(Buffer.from('{"type":"RECORD","record":{"stream":"a\\"b","data":{}}}'), 0, 48)).toBeUndefined();
    const kind = classify('{"type":"RECORD","record":{"stream":"a\\"b","data":{},"emitted_at":1}}');
    expect(kind.kind === 'message' && kind.message.record?.stream).toBe('a"b');
  });

  it('does not take a truncated line for a record', () => {
    expect(classify('{"type":"RECORD","record":{"stream":"users","data":{"id":1').kind).toBe('noise');
  });

  it.each([
    ['plain text', 'starting up...', 'not a JSON object'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['broken JSON', '{"type":', 'not valid JSON'],
    ['no type', '{"record":{}}', 'no "type" field'],
    ['an unknown type', '{"type":"NOPE"}', 'unknown message type "NOPE"'],
    ['a record without data', '{"record":{"stream":"s"},"type":"RECORD"}', 'RECORD message has no "record.data" object'],
  ])('reports %s as noise', (_name, line, reason) => {
    expect(classify(line)).toEqual({ kind: 'noise', reason });
  });

  it('parses STATE, LOG and TRACE in full', () => {
    expect(classify('{"type":"STATE","state":{"data":{"c":1}}}').kind).toBe('message');
    expect(classify('{"type":"LOG","log":{"level":"INFO","message":"hi"}}').kind).toBe('message');
    expect(classify('{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1.5,"error":{"message":"x"}}}').kind).toBe('message');
  });
});

describe('classifyLine on a RECORD that starts like one but is not well-formed', () => {
  const prefix = '{"type":"RECORD","record":{"stream":"users"';

  it.each([
    ['trailing text after the message', `${prefix},"data":{"id":1}}} {"x":1}`, 'RECORD line is not valid JSON: unexpected text after the message at column 63'],
    ['trailing garbage inside the message', `${prefix},"data":{"id":1}}x}`, 'RECORD line is not valid JSON: unexpected "x" at column 61'],
    ['a raw tab in a string', `${prefix},"data":{"name":"a\tb"}}}`, 'RECORD line is not valid JSON: a raw control character (0x09) in a string at column 62'],
    ['a raw control character in a key', `${prefix},"data":{"n\u0001":1}}}`, 'RECORD line is not valid JSON: a raw control character (0x01) in a string at column 55'],
    ['a malformed escape', `${prefix},"data":{"name":"a\\xb"}}}`, 'RECORD line is not valid JSON: a malformed escape in a string at column 62'],
    ['a truncated unicode escape', `${prefix},"data":{"name":"\\u12"}}}`, 'RECORD line is not valid JSON: a malformed escape in a string at column 61'],
    ['a second record.stream', `${prefix},"data":{"id":1},"stream":"orders"}}`, 'RECORD message has two "record.stream" keys'],
    ['a second record.stream written with escapes', `${prefix},"data":{"id":1},"str\\u0065am":"orders"}}`, 'RECORD message has two "record.stream" keys'],
    ['a second type', `${prefix},"data":{"id":1}},"type":"STATE"}`, 'RECORD message has two "type" keys'],
    ['a second record', `${prefix},"data":{"id":1}},"record":{"stream":"orders","data":{}}}`, 'RECORD message has two "record" keys'],
    ['a second record.data', `${prefix},"data":{"id":1},"data":{"id":2}}}`, 'RECORD message has two "record.data" keys'],
    ['no data', `${prefix},"emitted_at":1}}`, 'RECORD message has no "record.data" object'],
    ['data that is not an object', `${prefix},"data":[1]}}`, 'RECORD message has no "record.data" object'],
    ['a leading zero', `${prefix},"data":{"id":01}}}`, 'RECORD line is not valid JSON: unexpected "1" at column 59'],
    ['a bare decimal point', `${prefix},"data":{"id":1.}}}`, 'RECORD line is not valid JSON: a malformed number at column 58'],
    ['NaN', `${prefix},"data":{"id":NaN}}}`, 'RECORD line is not valid JSON: unexpected "N" at column 58'],
    ['a misspelt literal', `${prefix},"data":{"ok":ture}}}`, 'RECORD line is not valid JSON: unexpected "t" at column 58'],
    ['a missing comma', `${prefix},"data":{"a":1 "b":2}}}`, 'RECORD line is not valid JSON: unexpected """ at column 59'],
    ['a trailing comma', `${prefix},"data":{"a":1,}}}`, 'RECORD line is not valid JSON: unexpected "}" at column 59'],
    ['mismatched brackets', `${prefix},"data":{"a":[1}}}`, 'RECORD line is not valid JSON: unexpected "}" at column 59'],
    ['a missing closing brace', `${prefix},"data":{"a":{"b":1}}}`, 'RECORD line is not valid JSON: it ends inside the message'],
  ])('reports %s as noise with the reason', (_name, line, reason) => {
    expect(classify(line)).toEqual({ kind: 'noise', reason });
  });

  it.each([
    ['nested values of every kind', `${prefix},"data":{"a":[1,-2.5e+3,0,true,false,null,{"b":[]},{}],"s":"x\\"y\\\\\\u00e9\\n","big":123456789012345678901234567890},"emitted_at":1}}`],
    ['spaces, tabs and a CR everywhere', '{ "type" : "RECORD" , "record" : { "stream" : "users" ,\t"data" : { "id" : 1 } , "emitted_at" : 1 } }\r'],
    ['keys named like the watched ones deeper down', `${prefix},"data":{"stream":"x","type":"y","record":{"stream":"z"},"data":1}},"x":{"stream":1,"data":2}}`],
    ['multi-byte UTF-8', `${prefix},"data":{"name":"żółw 🐢"}}}`],
    ['an empty data object', `${prefix},"data":{}}}`],
  ])('accepts %s', (_name, line) => {
    expect(classify(line)).toMatchObject({ kind: 'record', stream: 'users' });
  });

  it.each([
    ['an integer beyond 2^53', '12345678901234567890', true],
    ['a long decimal', '0.1000000000000000055511151231257827', true],
    ['16 characters from the first digit, dot included', '-1234567.12345678', true],
    ['15 characters', '1234567.1234567', false],
    ['a three-digit exponent', '1e400', true],
    ['a signed three-digit exponent', '2.5E-308', true],
    ['a two-digit exponent', '1e22', false],
    ['a 13-digit epoch in milliseconds', '1796273642837', false],
    ['long digits inside a string only', '"12345678901234567890"', false],
  ])('says whether a record holds a number JSON.parse may change: %s', (_name, value, longNumber) => {
    const line = `${prefix},"data":{"v":${value},"w":[1,{"x":2}]},"emitted_at":1}}`;
    expect(classify(line)).toMatchObject({ kind: 'record', stream: 'users', longNumber });
    // The text rule's answer, except for digits inside a string, which the text rule cannot tell from a number.
    expect(mayLoseDigits(line)).toBe(longNumber || value.startsWith('"'));
  });

  it.each([
    ['nested containers inside the data', `${prefix},"data":{"a":[1,{"b":{}}],"c":{"d":[]}},"emitted_at":1}}`, '{"a":[1,{"b":{}}],"c":{"d":[]}}'],
    ['an empty data object', `${prefix},"data":{},"emitted_at":1}}`, '{}'],
    ['an object before the data and one after it', `${prefix},"meta":{"changes":[{"x":1}]},"data":{"id":1},"other":{"y":2}}}`, '{"id":1}'],
    ['spaces around the data', `${prefix},"data" :  { "id" : 1 }  ,"emitted_at":1}}`, '{ "id" : 1 }'],
  ])('says where the data object is: %s', (_name, line, data) => {
    const kind = classify(line) as { dataStart: number; dataEnd: number };
    expect(line.slice(kind.dataStart, kind.dataEnd)).toBe(data);
  });

  it('does not carry a long number over to the next line it checks', () => {
    expect(classify(`${prefix},"data":{"v":12345678901234567890},"emitted_at":1}}`)).toMatchObject({ longNumber: true });
    expect(classify(`${prefix},"data":{"v":1},"emitted_at":1}}`)).toMatchObject({ longNumber: false });
  });

  it('checks only the line it is given, not the bytes after it in the buffer', () => {
    const buffer = Buffer.from(`${prefix},"data":{"s":"\\u00"}}}\n41"}}`);
    const end = buffer.indexOf(0x0a);
    expect(classifyLine(buffer, 0, end).kind).toBe('noise');
  });

  it('does not take a control character in the stream name for a record', () => {
    expect(classify('{"type":"RECORD","record":{"stream":"us\u0001ers","data":{}}}')).toEqual({ kind: 'noise', reason: 'not valid JSON' });
  });
});
