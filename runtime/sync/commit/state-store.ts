// Owns a sync's state as the sync sees it: the merged state (merged-state.ts) kept by one persistence back-end —
// a state file (state-file.ts), the control plane's database (control/store/connection-state-store.ts), or memory
// only. Each commit is applied in memory and then written whole; commits that arrive while a write is under way are
// folded into the next write, so a fast destination never queues writes without bound. `flushed` is the durability
// barrier: it resolves once everything applied so far is written, and throws the first write failure.
import type { NormalizedState } from '../../../protocol/state.js';
import type { Commit } from './ledger.js';
import { MergedState } from './merged-state.js';

/** Where a state is kept: one back-end. */
export interface StatePersistence {
  /** Where the state lives, for the summary (a file path, `connection NAME`), or undefined in memory only. */
  readonly location: string | undefined;
  /** How error messages name it (`state file PATH`, `connection NAME`). */
  readonly label: string;
  /** Writes the whole state; a back-end chooses its own form. Undefined: nothing to write (memory only). */
  readonly write?: (state: NormalizedState) => Promise<void>;
}

export const IN_MEMORY: StatePersistence = { location: undefined, label: 'the state' };

export class StateStore {
  readonly #merged: MergedState;
  readonly #persistence: StatePersistence;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #writeError: unknown;

  constructor(merged: MergedState, persistence: StatePersistence = IN_MEMORY) {
    this.#merged = merged;
    this.#persistence = persistence;
  }

  get location(): string | undefined {
    return this.#persistence.location;
  }

  get state(): NormalizedState {
    return this.#merged.state;
  }

  /** The stored form to hand to the source's --state, or undefined when there is none. */
  get forSource(): unknown {
    return this.#merged.forSource;
  }

  /** Applies a commit in memory and schedules the write; never throws for a write failure (flushed does). */
  apply(commit: Commit): void {
    this.#merged.apply(commit);
    this.#scheduleWrite();
  }

  /** Forgets one stream's state (STREAM or GLOBAL), or all of it, and waits until that is written. */
  async reset(stream?: { name: string; namespace?: string }): Promise<boolean> {
    if (!this.#merged.reset(stream, this.#persistence.label)) return false;
    this.#scheduleWrite();
    await this.flushed();
    return true;
  }

  /** Resolves once everything applied so far is persisted; throws if a write failed. */
  async flushed(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#writeError) throw this.#writeError;
  }

  #scheduleWrite(): void {
    const write = this.#persistence.write;
    if (write === undefined) return;
    this.#dirty = true;
    if (this.#writing) return;
    this.#writing = (async () => {
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await write(this.#merged.state);
        } catch (error) {
          this.#writeError = error;
          return;
        }
      }
    })().finally(() => {
      this.#writing = undefined;
    });
  }
}
