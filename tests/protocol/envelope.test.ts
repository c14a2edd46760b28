import { describe, expect, it } from 'vitest';
import { classifyLine, recordStreamFromPrefix } from '../../protocol/envelope.js';

const classify = (text: string) => {
  const buffer = Buffer.from(text);
  return classifyLine(buffer, 0, buffer.length);
};

describe('classifyLine', () => {
  it('recognises a compact RECORD from its prefix without parsing it', () => {
    expect(classify('{"type":"RECORD","record":{"stream":"users","data":{"id":1},"emitted_at":1}}')).toEqual({
      kind: 'record',
      stream: 'users',
    });
  });

  it("recognises Python's spaced separators", () => {
    expect(classify('{"type": "RECORD", "record": {"stream": "numbers", "data": {"id": 1}, "emitted_at": 1}}')).toEqual({
      kind: 'record',
      stream: 'numbers',
    });
  });

  it('parses a RECORD whose type comes last and keeps its unknown fields', () => {
    const kind = classify('{"record":{"data":{"id":1},"stream":"s","emitted_at":1,"x":true},"x_extra":1,"type":"RECORD"}');
    expect(kind.kind).toBe('message');
    if (kind.kind === 'message') {
      expect(kind.message.record?.stream).toBe('s');
      expect((kind.message as Record<string, unknown>)['x_extra']).toBe(1);
    }
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
