// Owns feeding committed states back to a following source: each committed STATE's original line, written to the
// source's stdin, in commit order. It never blocks the sync: while a write waits for the pipe to drain, only the
// latest committed line of each scope is kept (a stream for STREAM states, the whole sync for GLOBAL: the later state
// of a scope includes the earlier one), so a source that does not read its stdin costs one line per stream at most.
// Every write is checked; the first failure is reported once, and nothing more is written.
import type { Writable } from 'node:stream';

const NEWLINE = Buffer.from('\n');

export class StateFeedback {
  /** Per scope, the latest line waiting for the pipe to drain, in the order they were committed. */
  readonly #pending = new Map<string, Buffer>();
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

  /** A state was committed: its source line (without newline) goes to the source, or replaces its scope's waiting one. */
  send(line: Buffer, scope = ''): void {
    if (this.stdin === null || this.#closed || this.#failed) return;
    // Moved to the end: lines go out in the order of their commits.
    this.#pending.delete(scope);
    this.#pending.set(scope, line);
    if (!this.#writing) this.#writeNext();
  }

  /** End of feedback: the source's stdin is closed (a following source then ends) once the pending line is out. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.stdin === null || this.#failed) return;
    if (!this.#writing && this.#pending.size === 0) this.stdin.end();
  }

  #writeNext(): void {
    const next = this.#pending.entries().next();
    if (next.done === true || this.#failed || this.stdin === null || this.stdin.writableEnded) {
      this.#writing = false;
      if (this.#closed && !this.#failed && this.stdin && !this.stdin.writableEnded) this.stdin.end();
      return;
    }
    const [scope, line] = next.value;
    this.#pending.delete(scope);
    this.#writing = true;
    this.sent++;
    const more = this.stdin.write(Buffer.concat([line, NEWLINE]), (error) => {
      if (error) this.#fail(error);
    });
    // Below the high-water mark the next line may go at once; above it, 'drain' writes the latest one.
    if (more) {
      this.#writing = false;
      if (this.#pending.size > 0 || this.#closed) this.#writeNext();
    }
  }

  #fail(error: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#pending.clear();
    this.onFailure(error);
  }
}
