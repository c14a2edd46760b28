// Owns one COPY FROM STDIN: rows are gathered into large chunks before they are written, a write waits when the
// server is slower than the input (backpressure), and a failure of the COPY surfaces at the next write or at end.
import type { CopyStreamQuery } from 'pg-copy-streams';

const CHUNK_CHARS = 256 * 1024;

export class CopyWriter {
  #text = '';
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

  write(row: string): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    this.#text += row;
    if (this.#text.length < CHUNK_CHARS) return undefined;
    return this.#flush();
  }

  #flush(): Promise<void> | undefined {
    if (this.#text.length === 0) return undefined;
    const text = this.#text;
    this.#text = '';
    if (this.stream.write(text)) return undefined;
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
