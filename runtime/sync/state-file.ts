// Owns the state of a sync as a state file: read in any stored form at the start, updated with each commit (per
// stream for STREAM states, whole for GLOBAL and LEGACY), and rewritten atomically. Commits that arrive while a
// write is under way are folded into the next write, so a fast destination never queues writes without bound.
// The in-memory part (merge, reset, coalesced writes) is shared with the database-backed store through
// `StateFile.persistedWith`.
import { access } from 'node:fs/promises';
import { messageForm, normalizeState, storedForm, streamKey, StateFormatError, type NormalizedState } from '../../protocol/state.js';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';
import { SluiceError } from '../errors.js';
import { readJsonFile, writeJsonFileAtomic } from '../json-files.js';
import type { Commit } from './state-ledger.js';
import type { StateStore } from './state-store.js';

/** Persists a state: its stored form for a file, its message form (always an array, [] for none) for the store. */
export type StateWriter = (stored: unknown) => Promise<void>;

export class StateFile implements StateStore {
  #state: NormalizedState;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #writeError: unknown;
  readonly #write: StateWriter | undefined;
  readonly #location: string | undefined;
  readonly #asMessages: boolean;

  private constructor(
    readonly path: string | undefined,
    state: NormalizedState,
    write?: StateWriter,
    location?: string,
  ) {
    this.#state = state;
    this.#location = location ?? path;
    this.#write = write ?? (path === undefined ? undefined : (stored) => writeJsonFileAtomic(path, stored));
    this.#asMessages = write !== undefined;
  }

  /**
   * A state kept by `write` instead of a file (e.g. in a database), written as an array of state messages;
   * `stored` is what was loaded from there.
   */
  static persistedWith(stored: unknown, location: string, write: StateWriter): StateFile {
    try {
      return new StateFile(undefined, normalizeState(stored), write, location);
    } catch (error) {
      if (error instanceof StateFormatError) throw new SluiceError('state.invalid', `${location}: ${error.message}`);
      throw error;
    }
  }

  get location(): string | undefined {
    return this.#location;
  }

  /** The stored form of a state file a user gave (any form Sluice reads), for a source's --state; it must exist. */
  static async readForSource(path: string): Promise<unknown> {
    const stored = await readJsonFile(path, 'state');
    try {
      return storedForm(normalizeState(stored));
    } catch (error) {
      if (error instanceof StateFormatError) throw new SluiceError('state.invalid', `state file ${path}: ${error.message}`);
      throw error;
    }
  }

  /** Loads `path` (a missing file is an empty state); without a path, state lives in memory only. */
  static async load(path: string | undefined): Promise<StateFile> {
    if (path === undefined || !(await exists(path))) return new StateFile(path, normalizeState(undefined));
    const stored = await readJsonFile(path, 'state');
    try {
      return new StateFile(path, normalizeState(stored));
    } catch (error) {
      if (error instanceof StateFormatError) throw new SluiceError('state.invalid', `state file ${path}: ${error.message}`);
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

  /** Applies a commit and schedules the write. */
  apply(commit: Commit): void {
    this.#state = merge(this.#state, commit.state, commit.kind);
    this.#scheduleWrite();
  }

  /** Forgets one stream's state (STREAM or GLOBAL), or all of it. */
  async reset(stream?: { name: string; namespace?: string }): Promise<boolean> {
    const state = this.#state;
    if (stream === undefined) this.#state = normalizeState(undefined);
    else if (state.kind === 'STREAM') {
      if (!state.streams.delete(streamKey(stream))) return false;
    } else if (state.kind === 'GLOBAL' && state.global?.global) {
      const states = state.global.global.stream_states;
      const kept = states.filter((entry) => streamKey(entry.stream_descriptor) !== streamKey(stream));
      if (kept.length === states.length) return false;
      state.global.global.stream_states = kept;
    } else if (state.kind === 'LEGACY') {
      throw new SluiceError('state.invalid', `${this.#location === this.path ? `state file ${this.path}` : this.#location}: a LEGACY state cannot be reset per stream; reset it all`);
    } else return false;
    this.#scheduleWrite();
    await this.flushed();
    return true;
  }

  /** Resolves once everything applied so far is on disk; throws if a write failed. */
  async flushed(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#writeError) throw this.#writeError;
  }

  #scheduleWrite(): void {
    const write = this.#write;
    if (write === undefined) return;
    this.#dirty = true;
    if (this.#writing) return;
    this.#writing = (async () => {
      while (this.#dirty) {
        this.#dirty = false;
        try {
          await write(this.#asMessages ? messageForm(this.#state) : storedForm(this.#state) ?? []);
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

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
