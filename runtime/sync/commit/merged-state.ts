// Owns the merged state of a sync, in memory only: the state read at the start (any stored form Sluice reads),
// each commit folded in (per stream for STREAM states, whole for GLOBAL and LEGACY, a LEGACY state migrating to
// STREAM), and resets. No I/O: where the state is kept is a persistence back-end's job (state-store.ts).
import { normalizeState, storedForm, streamKey, StateFormatError, type NormalizedState } from '../../../protocol/state.js';
import type { AirbyteStateMessage } from '../../../protocol/types.generated.js';
import { SluiceError } from '../../errors.js';
import type { Commit } from './ledger.js';

export class MergedState {
  #state: NormalizedState;

  constructor(state: NormalizedState = normalizeState(undefined)) {
    this.#state = state;
  }

  /** The state in any stored form Sluice reads; `label` names where it came from in the error for a bad one. */
  static parse(stored: unknown, label: string): MergedState {
    try {
      return new MergedState(normalizeState(stored));
    } catch (error) {
      if (error instanceof StateFormatError) throw new SluiceError('state.invalid', `${label}: ${error.message}`);
      throw error;
    }
  }

  get state(): NormalizedState {
    return this.#state;
  }

  /** The stored form to hand to the source's --state, or undefined when there is none. */
  get forSource(): unknown {
    return storedForm(this.#state);
  }

  apply(commit: Commit): void {
    this.#state = merge(this.#state, commit.state, commit.kind);
  }

  /**
   * Forgets one stream's state (STREAM or GLOBAL), or all of it; false when there was nothing to forget. A LEGACY
   * state is one blob: resetting one stream of it fails, naming `label`.
   */
  reset(stream: { name: string; namespace?: string } | undefined, label: string): boolean {
    const state = this.#state;
    if (stream === undefined) this.#state = normalizeState(undefined);
    else if (state.kind === 'STREAM') return state.streams.delete(streamKey(stream));
    else if (state.kind === 'GLOBAL' && state.global?.global) {
      const states = state.global.global.stream_states;
      const kept = states.filter((entry) => streamKey(entry.stream_descriptor) !== streamKey(stream));
      if (kept.length === states.length) return false;
      state.global.global.stream_states = kept;
    } else if (state.kind === 'LEGACY') {
      throw new SluiceError('state.invalid', `${label}: a LEGACY state cannot be reset per stream; reset it all`);
    } else return false;
    return true;
  }
}

function merge(current: NormalizedState, state: AirbyteStateMessage, kind: 'STREAM' | 'GLOBAL' | 'LEGACY'): NormalizedState {
  if (kind === 'STREAM') {
    // A LEGACY state migrates to STREAM: the old blob is dropped once per-stream states arrive.
    const streams = current.kind === 'STREAM' ? current.streams : new Map<string, AirbyteStateMessage>();
    const key = streamKey(state.stream!.stream_descriptor);
    // A null stream_state is the protocol's way of resetting that stream.
    if (state.stream!.stream_state == null) streams.delete(key);
    else streams.set(key, state);
    return { kind: 'STREAM', streams };
  }
  if (kind === 'GLOBAL') return { kind: 'GLOBAL', streams: new Map(), global: state };
  return { kind: 'LEGACY', streams: new Map(), legacy: state.data };
}
