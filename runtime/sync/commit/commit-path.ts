// Owns the commit path of one sync attempt: every decision about what the attempt has committed. The relay reports
// each STATE the source sends and each state the destination echoes; the commit path matches them (ledger.ts),
// applies each commit to the merged state and hands it to the persistence back-end (state-store.ts), keeps the
// counts, and at the end of the attempt gives the verdict. Invariants:
//  1. A state is committed only once the destination has echoed it, and only together with every state of its
//     scope (a stream, or the whole sync for GLOBAL and LEGACY) that the source sent before it: committing a state
//     means the destination holds every record the source emitted before it.
//  2. Nothing is committed after the first echo that matches no pending state (fail-stop): that echo and every
//     later one throw, the merged state and the back-end stay as they were. A source mixing kinds of state fails.
//  3. What is committed is the state as the source sent it, every digit kept (not the destination's rendering).
//  4. Persisted before acknowledged: a commit is applied in memory and written by the back-end (whole, atomically
//     for a file); the attempt is declared done only after `settle` has waited for every write, and a failed write
//     fails the attempt.
//  5. A destination that received states and echoed none of them, in any attempt of the sync, fails it
//     (sync.state_not_echoed): nothing would ever be committed. States left unechoed at the end are a warning;
//     the next run resumes from the last state echoed.
//  6. A destination that hung after echoing every state it received, the source having ended well and no record
//     following the last state, has everything committed: the failure is kept but not retried.
//  7. A following sync hears of a commit only once it is persisted (`onPersisted`), in commit order: never one older
//     than one of the same scope already reported (the later state of a scope includes the earlier one, so one may
//     be skipped).
import type { AirbyteStateMessage } from '../../../protocol/types.generated.js';
import { streamKey } from '../../../protocol/state.js';
import { SluiceError, isSluiceError } from '../../errors.js';
import type { SyncStats } from '../sync-stats.js';
import { StateLedger, type Commit, type SourceProgress, type StreamCounts } from './ledger.js';
import type { StateStore } from './state-store.js';

export class CommitPath {
  readonly #ledger: StateLedger;
  /** Commits applied so far, and per scope the last one reported persisted (invariant 7). */
  #applied = 0;
  readonly #reported = new Map<string, number>();

  constructor(
    private readonly store: StateStore,
    private readonly stats: SyncStats,
    /** The destination's name, for the messages. */
    private readonly destination: string,
    /** A following sync: called once a commit is persisted (its `attached` holds the source's line). */
    private readonly onPersisted?: (commit: Commit) => void,
  ) {
    this.#ledger = new StateLedger(store.state.kind === 'NONE' ? undefined : store.state.kind);
  }

  /** The counter the relay increments for each record of `stream` it forwards (records no state covers yet). */
  counterFor(stream: string): StreamCounts {
    return this.#ledger.counterFor(stream);
  }

  /**
   * A STATE the source sent (and the relay forwards); warns when the source's record count differs from ours.
   * Returns the counts it covers per stream, live until the destination echoes it: a record an asynchronous mapper
   * drops after the state was read is added to its `filtered` there.
   */
  sourceState(state: AirbyteStateMessage, countKeyOf: (descriptor: { name: string; namespace?: string }) => string, line?: Buffer): Map<string, StreamCounts> {
    // Following: the source's own bytes (copied: `line` is a view into the relay's chunk) and its progress figures.
    const attached = line === undefined || this.onPersisted === undefined ? undefined : { line: Buffer.from(line), progress: sourceProgressOf(state) };
    const { counted, reported, scope, covered } = this.#ledger.fromSource(state, countKeyOf, attached);
    this.stats.statesEmitted++;
    if (reported !== undefined && reported !== counted) {
      this.stats.warn(`the source's state for ${scope} says ${reported} records; Sluice counted ${counted}`);
    }
    return covered;
  }

  /**
   * A state the destination echoed (in the source's stream names): commits it and every state it acknowledges,
   * and schedules the write. Throws on a state that is not pending, and from then on (fail-stop).
   */
  echoed(state: AirbyteStateMessage): void {
    const commit = this.#ledger.fromDestination(state);
    this.store.apply(commit);
    this.stats.committed(commit.covered);
    this.stats.statesCommitted++;
    // The destination counts what it received: the records a mapper's filter dropped never reached it.
    let covered = 0;
    for (const counts of commit.covered.values()) covered += counts.records - counts.filtered;
    if (commit.destinationRecordCount !== undefined && commit.destinationRecordCount !== covered) {
      this.stats.warn(`the destination says a state covers ${commit.destinationRecordCount} records; Sluice counted ${covered}`);
    }
    if (this.onPersisted !== undefined) this.#reportWhenPersisted(commit);
  }

  #reportWhenPersisted(commit: Commit): void {
    const number = ++this.#applied;
    const scope = scopeOfCommit(commit);
    // A failed write is the attempt's failure (settle throws it): nothing is reported for it.
    this.store.flushed().then(() => {
      if (number <= (this.#reported.get(scope) ?? 0)) return;
      this.#reported.set(scope, number);
      this.onPersisted!(commit);
    }, () => undefined);
  }

  /**
   * The end of the attempt, once both connectors have exited: waits until every commit is persisted (a write
   * failure is thrown), then returns the error the attempt ends with — `failure` (the first cause, already chosen),
   * or the not-echoed rule's — or undefined when it succeeded.
   */
  async settle(failure: unknown, sourceError: unknown): Promise<unknown> {
    await this.store.flushed();
    const ledger = this.#ledger;
    if (failure === undefined && this.stats.statesEmitted > 0 && this.stats.statesCommitted === 0 && ledger.statesFromSource > 0) {
      failure = new SluiceError('sync.state_not_echoed', `destination ${this.destination} echoed none of the ${ledger.statesFromSource} states it received, so nothing was committed`, {
        hint: 'a destination must emit each STATE message back once the records before it are stored',
      });
    }
    if (failure !== undefined) return this.#everythingCommitted(failure, sourceError) ? notRetried(failure) : failure;
    if (ledger.pendingCount > 0) {
      this.stats.warn(`${ledger.pendingCount} state(s) were not echoed by the destination; the next run resumes from the last one it echoed`);
    }
    return undefined;
  }

  /**
   * A destination that hung after the source ended well and after echoing every state it got, with no record after
   * the last state: everything it received is committed, so another attempt would only re-do the whole sync.
   */
  #everythingCommitted(failure: unknown, sourceError: unknown): failure is SluiceError {
    const ledger = this.#ledger;
    return isSluiceError(failure) && failure.code === 'sync.destination_hung' && failure.failureType === 'transient_error'
      && sourceError === undefined && ledger.statesFromSource > 0 && ledger.pendingCount === 0 && ledger.uncoveredRecords === 0;
  }
}

/** A STREAM state's stream, or '' for the whole sync (GLOBAL, LEGACY). */
export function scopeOfCommit(commit: Commit): string {
  return commit.kind === 'STREAM' && commit.state.stream ? streamKey(commit.state.stream.stream_descriptor) : '';
}

/** The `sourceProgress` a following source puts on its STATE, when well-formed (its figures are only shown). */
function sourceProgressOf(state: AirbyteStateMessage): SourceProgress | undefined {
  const progress = (state as { sourceProgress?: unknown }).sourceProgress;
  if (typeof progress !== 'object' || progress === null) return undefined;
  const { position, sourceTime } = progress as Record<string, unknown>;
  const figures: SourceProgress = {};
  if (typeof position === 'string') figures.position = position;
  if (typeof sourceTime === 'string') {
    const ms = Date.parse(sourceTime);
    if (Number.isFinite(ms)) {
      figures.sourceTime = sourceTime;
      figures.sourceTimeMs = ms;
    }
  }
  return figures;
}

function notRetried(failure: SluiceError): SluiceError {
  return new SluiceError('sync.destination_hung', `${failure.message}; every state it received was committed, so the sync is not retried`, {
    failureType: 'system_error',
  });
}
