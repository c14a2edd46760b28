// Owns a connector's stdout: messages are serialised into a buffer and written in large chunks, and `emit`
// waits when the reader is slower than the connector (backpressure) instead of buffering without bound.
import type { Writable } from 'node:stream';
import type { AirbyteMessage } from '../../protocol/types.generated.js';

const FLUSH_AT_CHARS = 64 * 1024;

export class MessageWriter {
  #parts: string[] = [];
  #chars = 0;
  #closed = false;

  constructor(readonly output: Writable = process.stdout) {
    // The reader went away: nothing more can be delivered, stop quietly.
    output.on('error', () => {
      this.#closed = true;
    });
  }

  /** Queues one message; returns a promise only when the caller must wait before emitting more. */
  emit(message: AirbyteMessage | Record<string, unknown>): Promise<void> | undefined {
    return this.emitLine(JSON.stringify(message));
  }

  /** Queues one already-serialised message (no newline). */
  emitLine(line: string): Promise<void> | undefined {
    this.#parts.push(line, '\n');
    this.#chars += line.length + 1;
    if (this.#chars >= FLUSH_AT_CHARS) return this.flush();
    return undefined;
  }

  /**
   * Writes whole lines already encoded (each ending in a newline) after what is queued; returns a promise only when
   * the caller must wait before emitting more. The buffer must not change until `written` is called (once it has
   * been handed on, or dropped).
   */
  emitBytes(lines: Buffer, written?: () => void): Promise<void> | undefined {
    const queued = this.flush();
    if (this.#closed || lines.length === 0) {
      written?.();
      return queued;
    }
    if (this.output.write(lines, written && (() => written())) && !queued) return undefined;
    return this.#drained();
  }

  /** Writes what is buffered; resolves once the output can take more. */
  flush(): Promise<void> | undefined {
    if (this.#chars === 0 || this.#closed) return undefined;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#chars = 0;
    if (this.output.write(text)) return undefined;
    return this.#drained();
  }

  /** Resolves once the output can take more (or is gone). */
  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.output.off('drain', done);
        this.output.off('close', done);
        resolve();
      };
      this.output.on('drain', done);
      this.output.on('close', done);
    });
  }

  /** Flushes and waits until everything written has been handed to the operating system. */
  async end(): Promise<void> {
    await this.flush();
    if (this.#closed) return;
    await new Promise<void>((resolve) => this.output.write('', () => resolve()));
  }
}
