// Owns the states the incremental suite hands the source: what a scheduler would store after a read (each
// stream's last STREAM state, or the last GLOBAL or LEGACY one), and that state with every cursor moved far
// into the future, each blob keeping the shape the source gave it.
import { describeStream, stateKindOf, streamKey, streamStateBlob, type NormalizedState } from '../protocol/state.js';
import type { AirbyteStateMessage, ConfiguredAirbyteStream } from '../protocol/types.generated.js';
import { isExactNumber } from '../protocol/exact-json.js';
import { compareCursorValues, futureCursorValue, setAtPath, showValue, valueAtPath } from './cursor-values.js';
import { firstOf } from './results.js';

export interface CursorStream {
  configured: ConfiguredAirbyteStream;
  path: string[];
  /** The schema of the cursor field, when the stream's schema declares it. */
  fieldSchema?: object;
  /** The greatest cursor value the first read returned. */
  maxSeen?: unknown;
}

/** The state a scheduler would store after the read: each stream's last STREAM state, or the last GLOBAL one. */
export function lastStates(states: readonly AirbyteStateMessage[]): NormalizedState {
  const normalized: NormalizedState = { kind: 'NONE', streams: new Map() };
  for (const message of states) {
    const kind = stateKindOf(message);
    normalized.kind = kind;
    if (kind === 'STREAM' && message.stream) normalized.streams.set(streamKey(message.stream.stream_descriptor), message);
    else if (kind === 'GLOBAL') normalized.global = message;
    else normalized.legacy = message.data;
  }
  return normalized;
}

/**
 * The final state with every cursor moved far into the future: each stream's blob keeps its shape, with the
 * value at the cursor path (or, when the blob has no such path, its one scalar value) replaced.
 */
export function futureState(streams: Map<string, CursorStream>, state: NormalizedState): { stored: unknown; describe: string } {
  const blobs = new Map<string, Record<string, unknown>>();
  const shown: string[] = [];
  for (const [key, stream] of streams) {
    const saved = streamStateBlob(state, stream.configured.stream) ?? {};
    const blob = structuredClone(saved);
    const value = futureCursorValue(stream.fieldSchema, stream.maxSeen ?? valueAtPath(saved, stream.path));
    const scalars = Object.entries(saved).filter(([, item]) => typeof item === 'number' || typeof item === 'string' || isExactNumber(item));
    if (valueAtPath(saved, stream.path) === undefined) {
      // The blob keeps the cursor under its own name: its one scalar, else each scalar equal to the greatest cursor read.
      const cursors = scalars.length === 1 ? scalars : scalars.filter(([, item]) => stream.maxSeen !== undefined && compareCursorValues(item, stream.maxSeen) === 0);
      for (const [field, current] of cursors) blob[field] = futureCursorValue(undefined, current);
    }
    setAtPath(blob, stream.path, value);
    blobs.set(key, blob);
    shown.push(`${describeKey(key)}.${stream.path.join('.')} = ${showValue(value)}`);
  }
  return { stored: wrapLike(state, streams, blobs), describe: firstOf(shown) };
}

/** Stored state of the same kind as the source's own, holding the given blobs. */
function wrapLike(state: NormalizedState, streams: Map<string, CursorStream>, blobs: Map<string, Record<string, unknown>>): unknown {
  const descriptorOf = (key: string) => {
    const { name, namespace } = streams.get(key)!.configured.stream;
    return namespace ? { name, namespace } : { name };
  };
  if (state.kind === 'GLOBAL' && state.global?.global) {
    const others = state.global.global.stream_states.filter((entry) => !blobs.has(streamKey(entry.stream_descriptor)));
    const stream_states = [...others, ...[...blobs].map(([key, blob]) => ({ stream_descriptor: descriptorOf(key), stream_state: blob }))];
    return [{ type: 'GLOBAL', global: { ...state.global.global, stream_states } }];
  }
  if (state.kind === 'LEGACY') {
    const legacy = typeof state.legacy === 'object' && state.legacy !== null ? (state.legacy as Record<string, unknown>) : {};
    return { ...legacy, ...Object.fromEntries([...blobs].map(([key, blob]) => [streams.get(key)!.configured.stream.name, blob])) };
  }
  return [...blobs].map(([key, blob]) => ({ type: 'STREAM', stream: { stream_descriptor: descriptorOf(key), stream_state: blob } }));
}

export function describeKey(key: string): string {
  const [first, second] = key.split('\u0000');
  return describeStream(second === undefined ? { name: first! } : { namespace: first, name: second });
}
