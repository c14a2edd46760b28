// Owns what a following source hears back from the runtime (FOLLOW-CONTRACT.md): each line on stdin is a STATE the
// runtime has committed, in order; its global.shared_state.lsn is the highest position the server may be told is
// done with. stdin's end (the runtime is gone) or SIGTERM means stop. Invariant: `committed` only ever holds the LSN
// the read started from or one received here, and never moves backwards.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { lsnToBigint } from './pgoutput.js';

export class CommittedFeedback {
  #committed: bigint;
  #stopped = false;
  #onStop: (() => void)[] = [];
  #onCommitted: ((lsn: bigint) => void) | undefined;
  readonly #input: Readable;
  readonly #sigterm = (): void => this.#stop();

  /** `startLsn`: the LSN of the state the read started from, committed by definition. */
  constructor(startLsn: string, input: Readable = process.stdin) {
    this.#committed = lsnToBigint(startLsn);
    this.#input = input;
    process.on('SIGTERM', this.#sigterm);
    const lines = createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (line) => this.#take(line));
    lines.on('close', () => this.#stop());
    input.on('error', () => this.#stop());
  }

  get committed(): bigint {
    return this.#committed;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Called with each newly committed LSN. */
  onCommitted(listener: (lsn: bigint) => void): void {
    this.#onCommitted = listener;
  }

  onStop(listener: () => void): void {
    if (this.#stopped) listener();
    else this.#onStop.push(listener);
  }

  /** Stops listening (stdin released, so the process can end; the SIGTERM handler removed). */
  dispose(): void {
    process.off('SIGTERM', this.#sigterm);
    this.#input.destroy();
  }

  #take(line: string): void {
    if (line.trim() === '') return;
    let lsn: unknown;
    try {
      lsn = (JSON.parse(line) as { state?: { global?: { shared_state?: { lsn?: unknown } } } }).state?.global?.shared_state?.lsn;
    } catch {
      return;
    }
    if (typeof lsn !== 'string' || !/^[0-9A-Fa-f]+\/[0-9A-Fa-f]+$/.test(lsn)) return;
    const value = lsnToBigint(lsn);
    if (value <= this.#committed) return;
    this.#committed = value;
    this.#onCommitted?.(value);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const listener of this.#onStop.splice(0)) listener();
  }
}
