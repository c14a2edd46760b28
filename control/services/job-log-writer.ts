// Owns getting one job's log lines into the store: lines (already masked) are buffered in memory and appended as
// one chunk once the flush interval has passed since the first of them, or at once when 64 KiB are waiting, so a
// running job's log shows while it runs. At most `maxBytes` of the job's lines are stored: from the first line that
// would pass the cap on, lines are dropped and counted, and close() adds one line saying how many. A failing append
// loses that chunk but never fails the job: the first failure is reported, the writer keeps going.

/** A chunk is appended at once when this much is waiting. */
export const CHUNK_BYTES = 64 * 1024;

export interface JobLogWriterOptions {
  /** Appends chunk `seq` (1, 2, …) of the log; never called again before the previous append has settled. */
  append(seq: number, text: string): Promise<void>;
  /** Records the dropped counts on the job, at close. */
  recordDropped(lines: number, bytes: number): Promise<void>;
  /** The line (a complete JSON line with its newline) saying what the cap dropped. */
  droppedLine(lines: number, bytes: number): string;
  /** Told of the first failure to store (later ones are not reported again). */
  onFirstFailure(error: unknown): void;
  flushMs: number;
  maxBytes: number;
}

export class JobLogWriter {
  #lines: string[] = [];
  #waitingBytes = 0;
  #acceptedBytes = 0;
  #full = false;
  readonly #dropped = { lines: 0, bytes: 0 };
  #seq = 0;
  #appending: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  #failed = false;

  constructor(private readonly options: JobLogWriterOptions) {}

  /** Buffers one masked line (with its newline). After close (a connector still being stopped), lines are ignored. */
  write(line: string): void {
    if (this.#closing) return;
    const bytes = Buffer.byteLength(line);
    // Once a line has not fit, the rest goes too: the stored log is the job's first lines, without holes.
    if (this.#full || this.#acceptedBytes + bytes > this.options.maxBytes) {
      this.#full = true;
      this.#dropped.lines++;
      this.#dropped.bytes += bytes;
      return;
    }
    this.#acceptedBytes += bytes;
    this.#lines.push(line);
    this.#waitingBytes += bytes;
    if (this.#waitingBytes >= CHUNK_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.options.flushMs).unref();
  }

  /** Appends what is waiting (and the line about dropped lines, if any) and resolves once everything is stored. */
  close(): Promise<void> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  async #finish(): Promise<void> {
    const { lines, bytes } = this.#dropped;
    if (lines > 0) this.#lines.push(this.options.droppedLine(lines, bytes));
    this.#flush();
    await this.#appending;
    if (lines > 0) await this.options.recordDropped(lines, bytes).catch((error: unknown) => this.#failure(error));
  }

  /** Appends the waiting lines as the next chunk, after the appends before it (chunks are committed in seq order). */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join('');
    this.#lines = [];
    this.#waitingBytes = 0;
    const seq = ++this.#seq;
    this.#appending = this.#appending.then(() => this.options.append(seq, text)).catch((error: unknown) => this.#failure(error));
  }

  #failure(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.options.onFirstFailure(error);
  }
}
