// Owns the shapes state takes on disk and on the wire, and normalising them at one boundary:
// the stored form handed to `--state` is an array of STREAM states, a one-element array holding a GLOBAL state,
// or (LEGACY) the raw blob; a STATE message without `type` is LEGACY. Read also: the platform's array-wrapped
// LEGACY form `[{"type":"LEGACY","data":…}]`, which is also how the workspace store keeps a LEGACY state.
import type { AirbyteStateMessage, StreamDescriptor } from './types.generated.js';

export type StateKind = 'STREAM' | 'GLOBAL' | 'LEGACY';

export interface NormalizedState {
  kind: StateKind | 'NONE';
  /** STREAM: each stream's state message, by streamKey. */
  streams: Map<string, AirbyteStateMessage>;
  /** GLOBAL: the one global state message. */
  global?: AirbyteStateMessage;
  /** LEGACY: the blob. */
  legacy?: unknown;
}

/** A stable key for a stream descriptor (namespace and name can both hold any character). */
export function streamKey(descriptor: { name: string; namespace?: string | null }): string {
  return descriptor.namespace ? `${descriptor.namespace}\u0000${descriptor.name}` : descriptor.name;
}

export function describeStream(descriptor: StreamDescriptor): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

export function stateKindOf(message: AirbyteStateMessage): StateKind {
  if (message.type === 'STREAM' || message.type === 'GLOBAL') return message.type;
  return 'LEGACY';
}

export class StateFormatError extends Error {
  readonly code = 'state.invalid';
  override name = 'StateFormatError';
}

/** Reads any stored state form (or nothing) into one shape. */
export function normalizeState(stored: unknown): NormalizedState {
  const empty: NormalizedState = { kind: 'NONE', streams: new Map() };
  if (stored === undefined || stored === null) return empty;
  if (Array.isArray(stored)) {
    if (stored.length === 0) return empty;
    const messages = stored.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new StateFormatError(`element ${index} of the state array is not an object`);
      }
      return item as AirbyteStateMessage;
    });
    const first = messages[0]!;
    if (first.type === 'LEGACY') {
      if (messages.length !== 1) throw new StateFormatError('a LEGACY state array must hold exactly one element');
      return { kind: 'LEGACY', streams: new Map(), legacy: first.data };
    }
    if (first.type === 'GLOBAL') {
      if (messages.length !== 1) throw new StateFormatError('a GLOBAL state array must hold exactly one element');
      return { kind: 'GLOBAL', streams: new Map(), global: first };
    }
    const streams = new Map<string, AirbyteStateMessage>();
    messages.forEach((message, index) => {
      if (message.type !== 'STREAM' || !message.stream?.stream_descriptor) {
        throw new StateFormatError(`element ${index} of the state array is not a STREAM state with a stream_descriptor`);
      }
      streams.set(streamKey(message.stream.stream_descriptor), message);
    });
    return { kind: 'STREAM', streams };
  }
  if (typeof stored === 'object') {
    const candidate = stored as AirbyteStateMessage & Record<string, unknown>;
    // A single state message written where an array was expected: accept it as what it says it is.
    if (candidate.type === 'GLOBAL' && candidate.global) return { kind: 'GLOBAL', streams: new Map(), global: candidate };
    if (candidate.type === 'STREAM' && candidate.stream) {
      return { kind: 'STREAM', streams: new Map([[streamKey(candidate.stream.stream_descriptor), candidate]]) };
    }
    if (candidate.type === 'LEGACY' && 'data' in candidate) return { kind: 'LEGACY', streams: new Map(), legacy: candidate.data };
  }
  return { kind: 'LEGACY', streams: new Map(), legacy: stored };
}

/** The stored form of a normalized state: what `--state` receives and what the state file holds. */
export function storedForm(state: NormalizedState): unknown {
  switch (state.kind) {
    case 'STREAM':
      return [...state.streams.values()];
    case 'GLOBAL':
      return [state.global];
    case 'LEGACY':
      return state.legacy;
    default:
      return undefined;
  }
}

/** The state as state messages, one per row of the workspace store: storedForm, with a LEGACY blob wrapped. */
export function messageForm(state: NormalizedState): unknown[] {
  if (state.kind === 'LEGACY') return [{ type: 'LEGACY', data: state.legacy }];
  return (storedForm(state) as unknown[] | undefined) ?? [];
}

/** The cursor blob a source saved for one stream, whatever the state's form. */
export function streamStateBlob(state: NormalizedState, descriptor: { name: string; namespace?: string }): Record<string, unknown> | undefined {
  if (state.kind === 'STREAM') {
    const blob = state.streams.get(streamKey(descriptor))?.stream?.stream_state;
    return blob ?? undefined;
  }
  if (state.kind === 'GLOBAL') {
    const match = state.global?.global?.stream_states.find(
      (entry) => streamKey(entry.stream_descriptor) === streamKey(descriptor),
    );
    return match?.stream_state ?? undefined;
  }
  if (state.kind === 'LEGACY' && typeof state.legacy === 'object' && state.legacy !== null) {
    const blob = (state.legacy as Record<string, unknown>)[descriptor.name];
    return typeof blob === 'object' && blob !== null ? (blob as Record<string, unknown>) : undefined;
  }
  return undefined;
}
