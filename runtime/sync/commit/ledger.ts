// Owns the rule that decides when a state is committed (part of the commit path, commit-path.ts). Invariants:
//  1. A state is committed only once the destination has echoed it back: the destination then holds every record
//     the source emitted before that state.
//  2. States are matched per scope (a stream for STREAM states, the whole sync for GLOBAL and LEGACY) and in
//     source order: an echo acknowledges the earliest pending state with the same content, and every state of
//     that scope pending before it (a destination may skip states; it may not reorder them). Content is
//     compared digit for digit first, then with numbers rounded to doubles (a destination may echo through a
//     parser that rounds); what is committed is always the state as the source sent it, every digit kept.
//  3. After the first echo that matches no pending state the ledger stops committing (fail-stop): a destination
//     that reorders or invents states cannot be trusted with what it says it holds.
//  4. One sync uses one kind of state; a source mixing STREAM, GLOBAL and LEGACY fails the sync.
// The ledger counts records per stream between states so that a commit also says how many records it covers.
import type { AirbyteStateMessage } from '../../../protocol/types.generated.js';
import { describeStream, stateKindOf, streamKey, type StateKind } from '../../../protocol/state.js';
import { SluiceError } from '../../errors.js';
import { canonicalJson } from '../canonical-json.js';

export interface StreamCounts {
  records: number;
  bytes: number;
  /** Of `records`, those a mapper's filter dropped: the destination never got them. */
  filtered: number;
}

export interface Commit {
  /** The state as the source emitted it (its unknown fields kept, the per-run stats dropped). */
  state: AirbyteStateMessage;
  kind: StateKind;
  /** Records and bytes per stream that this commit (with any states it skipped over) covers. */
  covered: Map<string, StreamCounts>;
  /** The destination's own count, when it sent one. */
  destinationRecordCount?: number;
  /** What a following sync keeps with the committed state (see Attached). */
  attached?: Attached;
}

/**
 * What a following sync keeps with each pending state (undefined otherwise): the source's own line for it (fed back
 * to the source once committed; with stream mapping or mappers the destination got a different line) and the
 * source's progress figures from it.
 */
export interface Attached {
  line: Buffer;
  progress?: SourceProgress;
}

/** A following source's `sourceProgress` on its STATE (docs: FOLLOW contract); sourceTimeMs parsed once. */
export interface SourceProgress {
  position?: string;
  sourceTime?: string;
  sourceTimeMs?: number;
}

interface PendingState {
  content: string;
  /** The content with exact numbers rounded to doubles. */
  approximate: string;
  state: AirbyteStateMessage;
  covered: Map<string, StreamCounts>;
  attached?: Attached;
}

const WHOLE_SYNC = '\u0000sync';

export class StateLedger {
  #kind: StateKind | undefined;
  readonly #pending = new Map<string, PendingState[]>();
  /** Records seen per stream since the last state of the scope that covers them. */
  readonly #uncovered = new Map<string, StreamCounts>();
  #failed: SluiceError | undefined;
  statesFromSource = 0;
  statesCommitted = 0;

  constructor(initialKind?: StateKind) {
    // LEGACY state may be migrated to STREAM or GLOBAL by the source; any other change of kind is an error.
    this.#kind = initialKind === 'LEGACY' ? undefined : initialKind;
  }

  get kind(): StateKind | undefined {
    return this.#kind;
  }

  /**
   * The counter the relay increments for each record of `stream` it forwards (the stream key used for
   * counting). The same object for the whole sync, so the hot path does one lookup per record.
   */
  counterFor(stream: string): StreamCounts {
    let counts = this.#uncovered.get(stream);
    if (!counts) {
      counts = { records: 0, bytes: 0, filtered: 0 };
      this.#uncovered.set(stream, counts);
    }
    return counts;
  }

  /** Records a state the source emitted (and the relay forwards); returns what it reported against our count. */
  fromSource(state: AirbyteStateMessage, countKeyOf: (descriptor: { name: string; namespace?: string }) => string, attached?: Attached): {
    counted: number;
    reported?: number;
    scope: string;
    /** The counts this state took, per stream: the objects the pending state keeps (see CommitPath.sourceState). */
    covered: Map<string, StreamCounts>;
  } {
    const kind = this.#checkKind(stateKindOf(state), 'source');
    const scope = scopeOf(state, kind);
    let covered: Map<string, StreamCounts>;
    if (kind === 'STREAM') {
      const countKey = countKeyOf(state.stream!.stream_descriptor);
      covered = new Map([[countKey, takeCounts(this.counterFor(countKey))]]);
    } else {
      // A GLOBAL or LEGACY state covers every record so far, whatever its stream.
      covered = new Map();
      for (const [stream, counts] of this.#uncovered) covered.set(stream, takeCounts(counts));
    }
    const queue = this.#pending.get(scope) ?? [];
    queue.push({ content: contentOf(state, kind), approximate: contentOf(state, kind, true), state: withoutStats(state), covered, attached });
    this.#pending.set(scope, queue);
    this.statesFromSource++;
    let counted = 0;
    for (const counts of covered.values()) counted += counts.records;
    return { counted, reported: state.sourceStats?.recordCount, scope: describeScope(state, kind), covered };
  }

  /** Matches a state the destination echoed; returns the commit, or throws (and stays failed) on a mismatch. */
  fromDestination(state: AirbyteStateMessage): Commit {
    if (this.#failed) throw this.#failed;
    const kind = this.#checkKind(stateKindOf(state), 'destination');
    const scope = scopeOf(state, kind);
    const queue = this.#pending.get(scope) ?? [];
    const content = contentOf(state, kind);
    let index = queue.findIndex((pending) => pending.content === content);
    if (index === -1) {
      const approximate = contentOf(state, kind, true);
      index = queue.findIndex((pending) => pending.approximate === approximate);
    }
    if (index === -1) {
      this.#failed = new SluiceError(
        'sync.state_mismatch',
        `the destination echoed a state for ${describeScope(state, kind)} that is not pending (never sent, sent out of order, or already acknowledged); nothing more is committed`,
      );
      throw this.#failed;
    }
    const acknowledged = queue.splice(0, index + 1);
    const covered = new Map<string, StreamCounts>();
    for (const pending of acknowledged) {
      for (const [stream, counts] of pending.covered) {
        const sum = covered.get(stream) ?? { records: 0, bytes: 0, filtered: 0 };
        sum.records += counts.records;
        sum.bytes += counts.bytes;
        sum.filtered += counts.filtered;
        covered.set(stream, sum);
      }
    }
    this.statesCommitted++;
    const last = acknowledged.at(-1)!;
    return { state: last.state, kind, covered, destinationRecordCount: state.destinationStats?.recordCount, attached: last.attached };
  }

  /** Records forwarded after the last state the source emitted: no state covers them yet. */
  get uncoveredRecords(): number {
    let count = 0;
    for (const counts of this.#uncovered.values()) count += counts.records;
    return count;
  }

  /** States sent to the destination and not acknowledged yet. */
  get pendingCount(): number {
    let count = 0;
    for (const queue of this.#pending.values()) count += queue.length;
    return count;
  }

  #checkKind(kind: StateKind, from: string): StateKind {
    if (this.#kind === undefined) this.#kind = kind;
    else if (this.#kind !== kind) {
      throw new SluiceError('connector.protocol_violation', `the ${from} sent a ${kind} state in a sync using ${this.#kind} states`);
    }
    return kind;
  }
}

/** Copies a counter and sets it back to zero. */
function takeCounts(counts: StreamCounts): StreamCounts {
  const taken = { records: counts.records, bytes: counts.bytes, filtered: counts.filtered };
  counts.records = 0;
  counts.bytes = 0;
  counts.filtered = 0;
  return taken;
}

function scopeOf(state: AirbyteStateMessage, kind: StateKind): string {
  return kind === 'STREAM' ? streamKey(state.stream!.stream_descriptor) : WHOLE_SYNC;
}

function describeScope(state: AirbyteStateMessage, kind: StateKind): string {
  return kind === 'STREAM' ? `stream ${describeStream(state.stream!.stream_descriptor)}` : `the ${kind} state`;
}

/** What must match between a state sent and its echo: the blob, not the stats a destination adds. */
function contentOf(state: AirbyteStateMessage, kind: StateKind, approximate = false): string {
  if (kind === 'STREAM') return canonicalJson(state.stream?.stream_state ?? null, approximate);
  if (kind === 'GLOBAL') {
    // A descriptor compares by the stream it names: `"namespace": null` and no namespace are the same stream.
    const streams = (state.global?.stream_states ?? []).map(({ stream_descriptor, ...rest }) => ({ ...rest, stream: streamKey(stream_descriptor) }));
    return canonicalJson({ shared: state.global?.shared_state ?? null, streams }, approximate);
  }
  return canonicalJson(state.data ?? null, approximate);
}

function withoutStats(state: AirbyteStateMessage): AirbyteStateMessage {
  const { sourceStats: _source, destinationStats: _destination, ...rest } = state;
  return rest;
}
