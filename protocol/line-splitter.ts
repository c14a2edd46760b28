// Owns splitting a byte stream into lines: chunks may split a line (or a multi-byte character) anywhere,
// lines may end in LF or CRLF, and one line may never grow past a cap, so a connector cannot exhaust memory.

/**
 * Receives each complete line. `buffer[start, end)` is the line without its line ending; `buffer[start, next)` is
 * the line with it (`next === end` only for a last line that had no newline). Copy what you keep: `buffer` may be
 * the caller's chunk and is reused.
 */
export type LineHandler = (buffer: Buffer, start: number, end: number, next: number) => void;

export class LineTooLongError extends Error {
  readonly code = 'protocol.line_too_long';
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`a line exceeded the ${limitBytes}-byte limit (at least ${sizeBytes} bytes without a newline)`);
    this.name = 'LineTooLongError';
  }
}

const LF = 0x0a;
const CR = 0x0d;

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineSplitter {
  /** Pieces of a line begun in an earlier chunk, still without its newline. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  constructor(readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Feeds one chunk; calls `onLine` for every line it completes. Throws LineTooLongError past the cap. */
  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    let newline = chunk.indexOf(LF, 0);
    if (this.#pendingBytes > 0) {
      if (newline === -1) {
        this.#keep(chunk);
        return;
      }
      // Join the carried-over head with this chunk's first line, newline included.
      const joined = Buffer.concat([...this.#pending, chunk.subarray(0, newline + 1)]);
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#checkLength(joined.length - 1);
      onLine(joined, 0, lineEnd(joined, joined.length - 1), joined.length);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    while (newline !== -1) {
      if (newline - start > this.maxLineBytes) this.#checkLength(newline - start);
      onLine(chunk, start, lineEnd(chunk, newline, start), newline + 1);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.#keep(start === 0 ? chunk : chunk.subarray(start));
  }

  /** Flushes a last line that ended without a newline. */
  end(onLine: LineHandler): void {
    if (this.#pendingBytes === 0) return;
    const last = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    const end = last[last.length - 1] === CR ? last.length - 1 : last.length;
    onLine(last, 0, end, last.length);
  }

  /** Bytes held for a line not yet complete: bounded by maxLineBytes. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  #keep(piece: Buffer): void {
    this.#pendingBytes += piece.length;
    this.#checkLength(this.#pendingBytes);
    // The chunk buffer may be reused by the stream that produced it; keep our own copy.
    this.#pending.push(Buffer.from(piece));
  }

  #checkLength(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      this.#pending = [];
      this.#pendingBytes = 0;
      throw new LineTooLongError(bytes, this.maxLineBytes);
    }
  }
}

/** The end of a line whose LF is at `newline`, dropping a CR before it. */
function lineEnd(buffer: Buffer, newline: number, start = 0): number {
  return newline > start && buffer[newline - 1] === CR ? newline - 1 : newline;
}
