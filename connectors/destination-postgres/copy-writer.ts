// Owns one COPY FROM STDIN: rows are written as bytes straight into a large buffer that is sent when full, a row
// waits when the server is slower than the input (backpressure), and a failure of the COPY surfaces at the next row
// or at end. A row is written in pieces (startRow, then bytes, then endRow or dropRow): a row being written is never
// sent, so the writer of a row can take it back.
import type { CopyStreamQuery } from 'pg-copy-streams';

const CHUNK_BYTES = 256 * 1024;

export class CopyWriter {
  /** The chunk being filled; a new one after each send, as the stream may still hold the last. */
  buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Bytes of `buffer` in use: complete rows, then the row being written. */
  used = 0;
  #rowStart = 0;
  #error: Error | undefined;
  readonly #done: Promise<void>;

  constructor(private readonly stream: CopyStreamQuery) {
    this.#done = new Promise((resolve, reject) => {
      stream.on('finish', () => resolve());
      stream.on('error', (error: Error) => {
        this.#error = error;
        reject(error);
      });
    });
    // Observed through end() or the next row.
    this.#done.catch(() => undefined);
  }

  /**
   * Begins a row expected to take about `bytes` (the buffer grows when a row takes more): sends the rows before it
   * when they and it would overflow the chunk. Returns a promise when the caller must wait (backpressure) before its
   * next row; this row can be written at once either way.
   */
  startRow(bytes: number): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    let waiting: Promise<void> | undefined;
    if (this.used + bytes > this.buffer.length) waiting = this.#flush();
    this.ensure(bytes);
    this.#rowStart = this.used;
    return waiting;
  }

  /** Where the row being written began. */
  get rowStart(): number {
    return this.#rowStart;
  }

  /** Takes back the row being written. */
  dropRow(): void {
    this.used = this.#rowStart;
  }

  endRow(): void {
    this.buffer[this.used++] = 10;
  }

  /** Room for `bytes` more bytes after `used` (keeping the buffer's contents at their offsets). */
  ensure(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(larger, 0, 0, this.used);
    this.buffer = larger;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.used++] = value;
  }

  /** `source[start, end)` as it is. */
  bytes(source: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    const buffer = this.buffer;
    let used = this.used;
    // A loop beats a native copy for the short values most cells are.
    if (length < 64) for (let i = start; i < end; i++) buffer[used++] = source[i]!;
    else {
      buffer.set(source.subarray(start, end), used);
      used += length;
    }
    this.used = used;
  }

  /** `text` in UTF-8, as it is (already COPY text). */
  text(text: string): void {
    this.ensure(text.length * 3);
    this.used += this.buffer.write(text, this.used);
  }

  /** Sends the rows written (called between rows only). */
  #flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const chunk = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    this.#rowStart = 0;
    return this.#send(chunk);
  }

  #send(chunk: Buffer): Promise<void> | undefined {
    if (this.stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  /** Sends what is left and waits for the server to confirm the COPY. */
  async end(): Promise<void> {
    if (this.#error) throw this.#error;
    await this.#flush();
    this.stream.end();
    await this.#done;
  }
}
