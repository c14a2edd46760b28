// Owns turning a connector's stderr into lines for the log, with a cap so that one endless line cannot grow memory.
import type { Readable } from 'node:stream';
import { LineSplitter, LineTooLongError } from '../../protocol/line-splitter.js';

const MAX_STDERR_LINE_BYTES = 1024 * 1024;

export function forwardStderrLines(stderr: Readable, onLine: ((line: string) => void) | undefined): void {
  if (!onLine) {
    stderr.resume();
    return;
  }
  const splitter = new LineSplitter(MAX_STDERR_LINE_BYTES);
  const emit = (buffer: Buffer, start: number, end: number): void => {
    if (end > start) onLine(buffer.toString('utf8', start, end));
  };
  stderr.on('data', (chunk: Buffer) => {
    try {
      splitter.push(chunk, emit);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      onLine(`[a stderr line over ${MAX_STDERR_LINE_BYTES} bytes was dropped]`);
    }
  });
  stderr.on('end', () => splitter.end(emit));
  stderr.on('error', () => undefined);
}
