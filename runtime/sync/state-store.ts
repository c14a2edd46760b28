// Owns what a sync needs from wherever its state lives (a state file, or the control plane's database): the
// state read at the start, commits applied as the destination acknowledges them, resets, and a way to wait
// until every applied commit is durable. Implementations: StateFile (state-file.ts) and the store's
// ConnectionStateStore (control/store/connection-state-store.ts); each has its own async `load`.
import type { NormalizedState } from '../../protocol/state.js';
import type { Commit } from './state-ledger.js';

export interface StateStore {
  /** Where the state lives, for the summary and error messages (a file path, `connection NAME`), if anywhere. */
  readonly location: string | undefined;
  readonly state: NormalizedState;
  /** The stored form to hand to the source's --state, or undefined when there is none. */
  readonly forSource: unknown;
  /** Applies a commit in memory and schedules it to be persisted; never throws for a write failure (flushed does). */
  apply(commit: Commit): void;
  /** Forgets one stream's state (STREAM or GLOBAL), or all of it; false when there was nothing to forget. */
  reset(stream?: { name: string; namespace?: string }): Promise<boolean>;
  /** Resolves once everything applied so far is persisted; throws if a write failed. */
  flushed(): Promise<void>;
}
