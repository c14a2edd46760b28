// Owns a destination's stdin as text lines: the non-blank lines of each chunk read, as one batch (a generator step
// per line would cost more than the line's own work), and `undefined` each time no input has arrived for `idleMs`,
// so the caller can commit what it holds while the source is quiet.
import type { Readable } from 'node:stream';
import { LineSplitter } from '../../protocol/line-splitter.js';

const IDLE = Symbol('idle');

export async function* inputBatches(input: Readable, idleMs: number): AsyncGenerator<string[] | undefined> {
  const splitter = new LineSplitter();
  let batch: string[] = [];
  const collect = (buffer: Buffer, start: number, end: number): void => {
    if (end > start && !(end - start === 1 && buffer[start] === 0x0d)) batch.push(buffer.toString('utf8', start, end));
  };
  const chunks = input[Symbol.asyncIterator]();
  let next = chunks.next();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<typeof IDLE>((resolve) => {
      timer = setTimeout(() => resolve(IDLE), idleMs);
    });
    const result = await Promise.race([next, idle]);
    clearTimeout(timer);
    if (result === IDLE) {
      yield undefined;
      continue;
    }
    if (result.done) break;
    next = chunks.next();
    splitter.push(result.value as Buffer, collect);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield ready;
    }
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
}
