// Owns reading a whole stream of connector output as parsed protocol messages, for the commands that are not
// on the record hot path (spec, check, discover, and reading a destination's echoed states).
import { LineSplitter, DEFAULT_MAX_LINE_BYTES } from './line-splitter.js';
import { parseLine, type LineKind } from './envelope.js';
import type { AirbyteMessage } from './types.generated.js';

export type ReadItem =
  | { kind: 'message'; message: AirbyteMessage; lineNumber: number }
  | { kind: 'noise'; reason: string; text: string; lineNumber: number };

export interface ReadOptions {
  maxLineBytes?: number;
  /** Keep numbers a double would change as ExactNumbers in every message, not only in STATE (off the hot path). */
  exactNumbers?: boolean;
}

/** Yields every line of `input` as a message or as noise; empty lines are skipped. Throws LineTooLongError. */
export async function* readMessages(
  input: AsyncIterable<Buffer | string>,
  options: ReadOptions = {},
): AsyncGenerator<ReadItem> {
  const splitter = new LineSplitter(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  let lineNumber = 0;
  let batch: ReadItem[] = [];
  const collect = (buffer: Buffer, start: number, end: number): void => {
    lineNumber++;
    if (isBlank(buffer, start, end)) return;
    const kind: LineKind = parseLine(buffer, start, end, options.exactNumbers === true);
    if (kind.kind === 'message') batch.push({ kind: 'message', message: kind.message, lineNumber });
    else if (kind.kind === 'noise') {
      batch.push({ kind: 'noise', reason: kind.reason, text: buffer.toString('utf8', start, end), lineNumber });
    }
  };
  for await (const chunk of input) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, collect);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
  splitter.end(collect);
  yield* batch;
}

export function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = buffer[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}
