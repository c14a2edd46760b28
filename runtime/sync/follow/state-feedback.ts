// Owns feeding committed states back to a following source: each committed STATE's original line, written to the
// source's stdin, in commit order. It never blocks the sync: while a write waits for the pipe to drain, only the
// latest committed line is kept (a later state includes an earlier one), so a source that does not read its stdin
// costs one line of memory. Every write is checked; the first failure is reported once, and nothing more is written.
import type { Writable } from 'node:stream';

const NEWLINE = Buffer.from('\n');

export class StateFeedback {
  /** The latest line waiting for the pipe to drain (or for the write under way to finish). */
  #pending: Buffer | undefined;
  #writing = false;
  #closed = false;
  #failed = false;
  /** Lines handed to the source so far. */
  sent = 0;

  constructor(
    private readonly stdin: Writable | null,
    private readonly onFailure: (error: Error) => void,
  ) {
    stdin?.on('error', (error: Error) => this.#fail(error));
    stdin?.on('drain', () => this.#writeNext());
  }

  /** A state was committed: its source line (without newline) goes to the source, or replaces the one waiting. */
  send(line: Buffer): void {
    if (this.stdin === null || this.#closed || this.#failed) return;
    this.#pending = line;
    if (!this.#writing) this.#writeNext();
  }

  /** End of feedback: the source's stdin is closed (a following source then ends) once the pending line is out. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.stdin === null || this.#failed) return;
    if (!this.#writing && this.#pending === undefined) this.stdin.end();
  }

  #writeNext(): void {
    const line = this.#pending;
    if (line === undefined || this.#failed || this.stdin === null || this.stdin.writableEnded) {
      this.#writing = false;
      if (this.#closed && !this.#failed && this.stdin && !this.stdin.writableEnded) this.stdin.end();
      return;
    }
    this.#pending = undefined;
    this.#writing = true;
    this.sent++;
    const more = this.stdin.write(Buffer.concat([line, NEWLINE]), (error) => {
      if (error) this.#fail(error);
    });
    // Below the high-water mark the next line may go at once; above it, 'drain' writes the latest one.
    if (more) {
      this.#writing = false;
      if (this.#pending !== undefined || this.#closed) this.#writeNext();
    }
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#pending = undefined;
    this.onFailure(error);
  }
}
