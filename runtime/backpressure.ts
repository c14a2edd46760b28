// Owns writing to a stream without outrunning its reader: wait for `drain` when the buffer is full, and fail
// (instead of buffering forever) when the reader has gone away.
import type { Writable } from 'node:stream';

export class WritableClosedError extends Error {
  readonly code = 'stream.closed';
  constructor() {
    super('the reader closed its input');
    this.name = 'WritableClosedError';
  }
}

export function writeWithBackpressure(output: Writable, data: Buffer | string): Promise<void> | void {
  if (output.destroyed || output.writableEnded) throw new WritableClosedError();
  if (output.write(data)) return;
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      output.off('drain', onDrain);
      output.off('close', onClose);
      output.off('error', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new WritableClosedError());
    };
    output.on('drain', onDrain);
    output.on('close', onClose);
    output.on('error', onClose);
  });
}
