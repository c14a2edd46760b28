// The state merge (runtime/sync/state-file.ts), through a StateFile kept in memory: STREAM states merge per stream,
// GLOBAL and LEGACY replace the whole state, a LEGACY state migrates to STREAM, and a null stream_state resets a stream.
import { describe, expect, it } from 'vitest';
import { StateFile } from '../../runtime/sync/state-file.js';
import type { Commit } from '../../runtime/sync/state-ledger.js';
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

/** A state file whose writes land in `writes` (each the message form: an array of state messages). */
async function stateFile(stored: unknown): Promise<{ file: StateFile; writes: unknown[] }> {
  const writes: unknown[] = [];
  const file = StateFile.persistedWith(stored, 'test state', async (value) => void writes.push(value));
  return { file, writes };
}

describe('state merge', () => {
  it('STREAM states replace only their own stream', async () => {
    const { file, writes } = await stateFile([stream('a', { cursor: 1 }), stream('b', { cursor: 1 })]);
    file.apply(commit(stream('a', { cursor: 2 }), 'STREAM'));
    await file.flushed();
    expect(writes.at(-1)).toEqual([stream('a', { cursor: 2 }), stream('b', { cursor: 1 })]);
  });

  it('a GLOBAL state replaces the whole state', async () => {
    const { file, writes } = await stateFile([global({ lsn: 1 }, [['a', { c: 1 }], ['b', { c: 1 }]])]);
    file.apply(commit(global({ lsn: 2 }, [['a', { c: 2 }]]), 'GLOBAL'));
    await file.flushed();
    expect(writes.at(-1)).toEqual([global({ lsn: 2 }, [['a', { c: 2 }]])]);
  });

  it('a LEGACY state replaces the whole blob', async () => {
    const { file } = await stateFile({ a: 1, b: 1 });
    file.apply(commit({ type: 'LEGACY', data: { a: 2 } }, 'LEGACY'));
    expect(file.forSource).toEqual({ a: 2 });
  });

  it('a LEGACY state migrates to STREAM: the old blob is dropped once a per-stream state arrives', async () => {
    const { file, writes } = await stateFile({ a: 1, b: 1 });
    expect(file.state.kind).toBe('LEGACY');
    file.apply(commit(stream('a', { cursor: 5 }), 'STREAM'));
    await file.flushed();
    expect(file.state.kind).toBe('STREAM');
    expect(writes.at(-1)).toEqual([stream('a', { cursor: 5 })]);
  });

  it('a null stream_state resets that stream and keeps the others', async () => {
    const { file, writes } = await stateFile([stream('a', { cursor: 1 }), stream('b', { cursor: 1 })]);
    file.apply(commit(stream('a', null), 'STREAM'));
    await file.flushed();
    expect(writes.at(-1)).toEqual([stream('b', { cursor: 1 })]);
  });
});
