// The state merge (runtime/sync/commit/merged-state.ts), in memory: STREAM states merge per stream,
// GLOBAL and LEGACY replace the whole state, a LEGACY state migrates to STREAM, and a null stream_state resets a stream.
import { describe, expect, it } from 'vitest';
import { messageForm } from '../../protocol/state.js';
import { MergedState } from '../../runtime/sync/commit/merged-state.js';
import type { Commit } from '../../runtime/sync/commit/ledger.js';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';

const stream = (name: string, state: unknown): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: state as Record<string, unknown> },
});
const global = (shared: unknown, streams: Array<[string, unknown]>): AirbyteStateMessage => ({
  type: 'GLOBAL',
  global: {
    shared_state: shared as Record<string, unknown>,
    stream_states: streams.map(([name, state]) => ({ stream_descriptor: { name }, stream_state: state as Record<string, unknown> })),
  },
});
const commit = (state: AirbyteStateMessage, kind: Commit['kind']): Commit => ({ state, kind, covered: new Map() });

/** A merged state read from `stored`, and its message form (an array of state messages, as the database keeps it). */
function merged(stored: unknown): { state: MergedState; messages: () => unknown[] } {
  const state = MergedState.parse(stored, 'test state');
  return { state, messages: () => messageForm(state.state) };
}

describe('state merge', () => {
  it('STREAM states replace only their own stream', () => {
    const { state: file, messages } = merged([stream('a', { cursor: 1 }), stream('b', { cursor: 1 })]);
    file.apply(commit(stream('a', { cursor: 2 }), 'STREAM'));
    expect(messages()).toEqual([stream('a', { cursor: 2 }), stream('b', { cursor: 1 })]);
  });

  it('a GLOBAL state replaces the whole state', () => {
    const { state: file, messages } = merged([global({ lsn: 1 }, [['a', { c: 1 }], ['b', { c: 1 }]])]);
    file.apply(commit(global({ lsn: 2 }, [['a', { c: 2 }]]), 'GLOBAL'));
    expect(messages()).toEqual([global({ lsn: 2 }, [['a', { c: 2 }]])]);
  });

  it('a LEGACY state replaces the whole blob', () => {
    const { state: file } = merged({ a: 1, b: 1 });
    file.apply(commit({ type: 'LEGACY', data: { a: 2 } }, 'LEGACY'));
    expect(file.forSource).toEqual({ a: 2 });
  });

  it('a LEGACY state migrates to STREAM: the old blob is dropped once a per-stream state arrives', () => {
    const { state: file, messages } = merged({ a: 1, b: 1 });
    expect(file.state.kind).toBe('LEGACY');
    file.apply(commit(stream('a', { cursor: 5 }), 'STREAM'));
    expect(file.state.kind).toBe('STREAM');
    expect(messages()).toEqual([stream('a', { cursor: 5 })]);
  });

  it('a null stream_state resets that stream and keeps the others', () => {
    const { state: file, messages } = merged([stream('a', { cursor: 1 }), stream('b', { cursor: 1 })]);
    file.apply(commit(stream('a', null), 'STREAM'));
    expect(messages()).toEqual([stream('b', { cursor: 1 })]);
  });

  it('resets one stream, or all; a LEGACY state only as a whole', () => {
    const { state, messages } = merged([stream('a', { cursor: 1 }), stream('b', { cursor: 1 })]);
    expect(state.reset({ name: 'a' }, 'test state')).toBe(true);
    expect(state.reset({ name: 'a' }, 'test state')).toBe(false);
    expect(messages()).toEqual([stream('b', { cursor: 1 })]);
    const legacy = merged({ a: 1 }).state;
    expect(() => legacy.reset({ name: 'a' }, 'state file s.json')).toThrow('state file s.json: a LEGACY state cannot be reset per stream; reset it all');
    expect(legacy.reset(undefined, 'state file s.json')).toBe(true);
    expect(legacy.state.kind).toBe('NONE');
  });

  it('names where a state it cannot read came from', () => {
    expect(() => MergedState.parse([{ type: 'STREAM' }], 'connection c')).toThrow(/^connection c: /);
  });
});
