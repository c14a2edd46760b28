// Owns a destination's stdin as batches of lines: the lines of each chunk read, turned into items by the caller and
// yielded as one batch (a generator step per line would cost more than the line's own work). With `idleMs`, yields
// `undefined` each time no input has arrived for that long, so the caller can commit what it holds while the source
// is quiet; `idleMs` may be a function, asked before each wait (a caller with a deadline of its own).
import type { Readable } from 'node:stream';
import { LineSplitter } from '../../protocol/line-splitter.js';

/** Turns one line (`buffer[start, end)`, without its line ending) into an item, or undefined to skip it. */
export type LineItem<T> = (buffer: Buffer, start: number, end: number) => T | undefined;

const IDLE = Symbol('idle');

export async function* inputBatches<T>(input: Readable, toItem: LineItem<T>, idleMs?: number | (() => number)): AsyncGenerator<T[] | undefined> {
  const splitter = new LineSplitter();
  let batch: T[] = [];
  const collect = (buffer: Buffer, start: number, end: number): void => {
    const item = toItem(buffer, start, end);
    if (item !== undefined) batch.push(item);
  };
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let next = chunks.next();
  let ended = false;
  // A caller that stops early (an error) lets go of the input, as a for-await loop over it would.
  try {
    for (;;) {
      let result: IteratorResult<Buffer> | typeof IDLE;
      if (idleMs === undefined) result = await next;
      else {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<typeof IDLE>((resolve) => {
          timer = setTimeout(() => resolve(IDLE), typeof idleMs === 'function' ? idleMs() : idleMs);
        });
        result = await Promise.race([next, idle]);
        clearTimeout(timer);
      }
      if (result === IDLE) {
        yield undefined;
        continue;
      }
      if (result.done) {
        ended = true;
        break;
      }
      next = chunks.next();
      splitter.push(result.value, collect);
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        yield ready;
      }
    }
  } finally {
    if (!ended) void chunks.return?.();
  }
  splitter.end(collect);
  if (batch.length > 0) yield batch;
}
