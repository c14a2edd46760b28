// Owns one COPY FROM STDIN: rows are encoded straight into a large buffer (no string concatenation, no Buffer.from of
// the whole chunk) that is sent when full, a write waits when the server is slower than the input (backpressure),
// and a failure of the COPY surfaces at the next write or at end.
import type { CopyStreamQuery } from 'pg-copy-streams';

const CHUNK_BYTES = 256 * 1024;

export class CopyWriter {
  /** The chunk being filled; a new one after each send, as the stream may still hold the last. */
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;
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
    // Observed through end() or the next write.
    this.#done.catch(() => undefined);
  }

  /** Queues one row's COPY text (newline included); returns a promise only when the caller must wait. */
  write(row: string): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#used + row.length * 3 > CHUNK_BYTES) {
      const waiting = this.#flush();
      if (row.length * 3 > CHUNK_BYTES) return chain(waiting, () => this.#send(Buffer.from(row, 'utf8')));
      if (waiting) return waiting.then(() => void this.#append(row));
    }
    this.#append(row);
    return undefined;
  }

  #append(row: string): void {
    this.#used += this.#buffer.write(row, this.#used);
  }

  #flush(): Promise<void> | undefined {
    if (this.#used === 0) return undefined;
    const chunk = this.#buffer.subarray(0, this.#used);
    this.#buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    this.#used = 0;
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

function chain(first: Promise<void> | undefined, next: () => Promise<void> | undefined): Promise<void> | undefined {
  return first ? first.then(next) : next();
}
