// The relay (runtime/relay.ts) on in-memory streams: forwarded lines keep their original bytes, adjacent ones go out
// in one write, a full output makes it wait for `drain`, and a router that throws still gets earlier lines written.
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { relayLines, type LineRouter } from '../../runtime/relay.js';

const r1 = '{"type":"RECORD","record":{"stream":"a","data":{"id":12345678901234567890,"d":1.10},"emitted_at":1}}';
const r2 = '{ "type": "RECORD", "record": { "stream": "a", "data": { "id": 2 }, "emitted_at": 1 } }';
const r3 = '{"record":{"stream":"b","data":{"id":3},"emitted_at":1},"type":"RECORD"}';
const r4 = '{"type":"RECORD","record":{"stream":"b","data":{"id":4},"emitted_at":1}}';

/** A Writable that keeps each write; with `hold`, it keeps the callbacks so the test decides when it drains. */
function sink(hold = false): { output: Writable; writes: string[]; release: () => void } {
  const writes: string[] = [];
  const callbacks: Array<() => void> = [];
  const output = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString('utf8'));
      if (hold) callbacks.push(callback);
      else callback();
    },
  });
  return { output, writes, release: () => callbacks.splice(0).forEach((callback) => callback()) };
}

function router(noise: string[] = [], throwOnStream?: string): LineRouter {
  return {
    record(stream) {
      if (stream === throwOnStream) throw new Error(`stop at ${stream}`);
      return true;
    },
    message(message) {
      if (message.record?.stream === throwOnStream) throw new Error(`stop at ${throwOnStream}`);
      return true;
    },
    noise: (text) => void noise.push(text),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('relayLines', () => {
  it('forwards runs of adjacent lines as their original bytes, one write per run, noise dropped', async () => {
    const { output, writes } = sink();
    const noise: string[] = [];
    await relayLines(Readable.from([Buffer.from(`${r1}\n${r2}\nnot json\n${r3}\n`)]), output, router(noise));
    expect(writes).toEqual([`${r1}\n${r2}\n`, `${r3}\n`]);
    expect(noise).toEqual(['not json']);
  });

  it('keeps a line split across chunks byte for byte and ends a last line without newline with one', async () => {
    const { output, writes } = sink();
    await relayLines(Readable.from([Buffer.from(r1.slice(0, 40)), Buffer.from(`${r1.slice(40)}\n${r3}`)]), output, router());
    expect(writes.join('')).toBe(`${r1}\n${r3}\n`);
  });

  it('waits for drain before reading on when the output is full', async () => {
    const { output, writes, release } = sink(true);
    const waits: boolean[] = [];
    let chunks = 0;
    const relayed = relayLines(Readable.from([Buffer.from(`${r1}\n`), Buffer.from(`${r2}\n`)]), output, router(), {
      onWaiting: (waiting) => void waits.push(waiting),
      onChunk: () => void chunks++,
    });
    for (let i = 0; i < 5; i++) await tick();
    expect(writes).toEqual([`${r1}\n`]);
    expect(waits).toEqual([true]);
    expect(chunks).toBe(1);
    release();
    for (let i = 0; i < 5; i++) await tick();
    release();
    await relayed;
    expect(writes).toEqual([`${r1}\n`, `${r2}\n`]);
    expect(waits).toEqual([true, false, true, false]);
    expect(chunks).toBe(2);
  });

  it('a router that throws stops the relay after the lines it accepted before are written', async () => {
    const { output, writes } = sink();
    const relayed = relayLines(Readable.from([Buffer.from(`${r1}\n${r2}\n${r3}\n${r1}\n`)]), output, router([], 'b'));
    await expect(relayed).rejects.toThrow('stop at b');
    expect(writes).toEqual([`${r1}\n${r2}\n`]);
  });

  it('writes a replacement line in place of a record, with a newline, and keeps raw lines around it in order', async () => {
    const { output, writes } = sink();
    const replacing: LineRouter = { ...router(), record: (stream) => (stream === 'b' ? Buffer.from('{"b":"mapped"}') : true) };
    await relayLines(Readable.from([Buffer.from(`${r1}\n${r4}\n${r2}\n`)]), output, replacing);
    expect(writes.join('')).toBe(`${r1}\n{"b":"mapped"}\n${r2}\n`);
  });

  it('takes replacement lines as text too, now or later, mixed with bytes, encoded once per chunk in input order', async () => {
    const { output, writes } = sink();
    let n = 0;
    const mixed: LineRouter = {
      ...router(),
      record() {
        const index = n++;
        if (index === 0) return 'żółw 🐢';
        if (index === 1) return Promise.resolve(`later ${index}`);
        if (index === 2) return Buffer.from('bytes');
        return `text ${index}`;
      },
    };
    await relayLines(Readable.from([Buffer.from(`${r1}\n${r2}\n${r4}\n${r1}\n`), Buffer.from(`${r2}\n`)]), output, mixed);
    expect(writes).toEqual(['żółw 🐢\nlater 1\nbytes\ntext 3\n', 'text 4\n']);
  });

  it('keeps input order when verdicts come later and out of order; a dropped line is not written', async () => {
    const { output, writes } = sink();
    const delays = [30, 0, 10, 20];
    let n = 0;
    const slow: LineRouter = {
      ...router(),
      record(_stream, _bytes, buffer, start, end) {
        const index = n++;
        const text = buffer.toString('utf8', start, end);
        return new Promise((resolve) => setTimeout(() => resolve(index === 2 ? false : index === 3 ? true : Buffer.from(`#${index} ${text.length}`)), delays[index]));
      },
    };
    await relayLines(Readable.from([Buffer.from(`${r1}\n${r2}\n`), Buffer.from(`${r4}\n${r1}\n`)]), output, slow);
    expect(writes.join('')).toBe(`#0 ${r1.length}\n#1 ${r2.length}\n${r1}\n`);
  });

  it('a later verdict that fails stops the relay after the lines before it are written', async () => {
    const { output, writes } = sink();
    const failing: LineRouter = {
      ...router(),
      record: (stream) => (stream === 'b' ? Promise.reject(new Error('mapper failed on b')) : Promise.resolve(true)),
    };
    const relayed = relayLines(Readable.from([Buffer.from(`${r1}\n${r2}\n${r4}\n${r1}\n`)]), output, failing);
    await expect(relayed).rejects.toThrow('mapper failed on b');
    expect(writes.join('')).toBe(`${r1}\n${r2}\n`);
  });

  it('writes adjacent replacement lines together, and waits for drain between chunks', async () => {
    const { output, writes, release } = sink(true);
    const waits: boolean[] = [];
    const replacing: LineRouter = { ...router(), record: (stream) => (stream === 'a' ? Promise.resolve(Buffer.from('x')) : Buffer.from('y')) };
    const relayed = relayLines(Readable.from([Buffer.from(`${r1}\n${r4}\n`), Buffer.from(`${r2}\n`)]), output, replacing, { onWaiting: (waiting) => void waits.push(waiting) });
    for (let i = 0; i < 5; i++) await tick();
    expect(writes).toEqual(['x\ny\n']);
    expect(waits).toEqual([true]);
    release();
    for (let i = 0; i < 5; i++) await tick();
    release();
    await relayed;
    expect(writes).toEqual(['x\ny\n', 'x\n']);
    expect(waits).toEqual([true, false, true, false]);
  });
});
