import { describe, expect, it } from 'vitest';
import { LineSplitter, LineTooLongError } from '../../protocol/line-splitter.js';

function splitAll(chunks: Buffer[], max = 1024): string[] {
  const splitter = new LineSplitter(max);
  const lines: string[] = [];
  const collect = (buffer: Buffer, start: number, end: number): void => {
    lines.push(buffer.toString('utf8', start, end));
  };
  for (const chunk of chunks) splitter.push(chunk, collect);
  splitter.end(collect);
  return lines;
}

describe('LineSplitter', () => {
  it('splits lines across arbitrary chunk boundaries, byte by byte', () => {
    const text = '{"a":1}\n{"b":2}\n{"c":3}';
    const bytes = Buffer.from(text);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(splitAll(chunks)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('drops the CR of CRLF endings and keeps empty lines for the caller to skip', () => {
    expect(splitAll([Buffer.from('one\r\n\r\ntwo\r\n')])).toEqual(['one', '', 'two']);
  });

  it('keeps a multi-byte character split across chunks intact', () => {
    const bytes = Buffer.from('{"w":"żółw 🐢"}\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(splitAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['{"w":"żółw 🐢"}']);
    }
  });

  it('reports the byte range with and without the line ending', () => {
    const splitter = new LineSplitter(100);
    const seen: Array<[number, number, number]> = [];
    splitter.push(Buffer.from('ab\r\ncd\n'), (_b, start, end, next) => seen.push([start, end, next]));
    expect(seen).toEqual([
      [0, 2, 4],
      [4, 6, 7],
    ]);
  });

  it('throws LineTooLongError naming the limit instead of buffering an endless line', () => {
    const splitter = new LineSplitter(10);
    expect(() => {
      for (let i = 0; i < 5; i++) splitter.push(Buffer.from('xxxx'), () => undefined);
    }).toThrow(LineTooLongError);
    expect(() => splitter.push(Buffer.from('x'.repeat(11) + '\n'), () => undefined)).toThrow(/10-byte limit/);
  });

  it('holds at most the cap while waiting for a newline', () => {
    const splitter = new LineSplitter(1000);
    splitter.push(Buffer.from('y'.repeat(900)), () => undefined);
    expect(splitter.pendingBytes).toBe(900);
  });
});
