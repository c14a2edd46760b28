// The commit path (runtime/sync/commit/commit-path.ts), kept in memory: what a sync attempt has committed, and the
// verdict at its end. A state is committed only once echoed, together with the states before it; nothing is committed
// after a fail-stop; the attempt ends only once every commit is persisted.
import { describe, expect, it } from 'vitest';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';
import { messageForm, type NormalizedState } from '../../protocol/state.js';
import { SluiceError } from '../../runtime/errors.js';
import { CommitPath } from '../../runtime/sync/commit/commit-path.js';
import { MergedState } from '../../runtime/sync/commit/merged-state.js';
import { StateStore } from '../../runtime/sync/commit/state-store.js';
import { SyncStats } from '../../runtime/sync/sync-stats.js';

const streamState = (name: string, cursor: number, extra: Partial<AirbyteStateMessage> = {}): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } },
  ...extra,
});
const byName = (descriptor: { name: string }): string => descriptor.name;

/** A commit path over an in-memory back-end whose writes (message form) land in `writes`. */
function commitPath(write?: (state: NormalizedState) => Promise<void>): { path: CommitPath; store: StateStore; stats: SyncStats; writes: unknown[][] } {
  const writes: unknown[][] = [];
  const store = new StateStore(new MergedState(), {
    location: undefined,
    label: 'test state',
    write: write ?? (async (state) => void writes.push(messageForm(state))),
  });
  const stats = new SyncStats(['a', 'b']);
  return { path: new CommitPath(store, stats, 'destination-test'), store, stats, writes };
}

function records(path: CommitPath, stream: string, count: number): void {
  path.counterFor(stream).records += count;
}

describe('the commit path', () => {
  it('commits a state only once the destination echoes it, and persists it', async () => {
    const { path, store, stats, writes } = commitPath();
    records(path, 'a', 2);
    path.sourceState(streamState('a', 2), byName);
    expect(store.forSource).toBeUndefined();
    path.echoed(streamState('a', 2));
    expect(await path.settle(undefined, undefined)).toBeUndefined();
    expect(writes.at(-1)).toEqual([streamState('a', 2)]);
    expect(stats.statesCommitted).toBe(1);
    expect(stats.stream('a').recordsCommitted).toBe(2);
  });

  it('an echo commits the states of its stream sent before it, and commits the state as the source sent it', async () => {
    const { path, store, stats } = commitPath();
    path.sourceState(streamState('a', 1), byName);
    path.sourceState(streamState('b', 1), byName);
    path.sourceState(streamState('a', 2, { sourceStats: { recordCount: 0 } }), byName);
    path.echoed(streamState('a', 2, { destinationStats: { recordCount: 0 } }));
    expect(store.state.streams.get('a')).toEqual(streamState('a', 2));
    expect(store.state.streams.has('b')).toBe(false);
    expect(stats.statesCommitted).toBe(1);
    expect(await path.settle(undefined, undefined)).toBeUndefined();
    expect(stats.warnings).toEqual(['1 state(s) were not echoed by the destination; the next run resumes from the last one it echoed']);
  });

  it('commits nothing after an echo that matches no pending state (fail-stop)', async () => {
    const { path, store, writes } = commitPath();
    path.sourceState(streamState('a', 1), byName);
    path.sourceState(streamState('a', 2), byName);
    expect(() => path.echoed(streamState('a', 9))).toThrow(expect.objectContaining({ code: 'sync.state_mismatch' }));
    expect(() => path.echoed(streamState('a', 1))).toThrow(expect.objectContaining({ code: 'sync.state_mismatch' }));
    expect(store.forSource).toBeUndefined();
    await store.flushed();
    expect(writes).toEqual([]);
  });

  it('warns when the destination counts other records than Sluice for a state', async () => {
    const { path, stats } = commitPath();
    records(path, 'a', 3);
    path.sourceState(streamState('a', 3), byName);
    path.echoed(streamState('a', 3, { destinationStats: { recordCount: 5 } }));
    expect(stats.warnings).toEqual(['the destination says a state covers 5 records; Sluice counted 3']);
  });

  it('fails an attempt whose destination echoed none of the states it received', async () => {
    const { path } = commitPath();
    path.sourceState(streamState('a', 1), byName);
    const error = (await path.settle(undefined, undefined)) as SluiceError;
    expect(error.code).toBe('sync.state_not_echoed');
    expect(error.message).toBe('destination destination-test echoed none of the 1 states it received, so nothing was committed');
  });

  it('does not end an attempt before every commit is persisted, and fails it when a write fails', async () => {
    let release!: () => void;
    const written = new Promise<void>((resolve) => (release = resolve));
    const { path } = commitPath(async () => {
      await written;
      throw new Error('disk full');
    });
    path.sourceState(streamState('a', 1), byName);
    path.echoed(streamState('a', 1));
    let settled = false;
    const settling = path.settle(undefined, undefined).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await expect(settling).rejects.toThrow('disk full');
  });

  it('keeps a destination that hung with everything committed from being retried', async () => {
    const hung = (): SluiceError => new SluiceError('sync.destination_hung', 'destination d took no input for 1 s and was stopped', { failureType: 'transient_error' });
    const done = commitPath();
    done.path.sourceState(streamState('a', 1), byName);
    done.path.echoed(streamState('a', 1));
    const error = (await done.path.settle(hung(), undefined)) as SluiceError;
    expect(error.failureType).toBe('system_error');
    expect(error.message).toBe('destination d took no input for 1 s and was stopped; every state it received was committed, so the sync is not retried');

    const pending = commitPath();
    pending.path.sourceState(streamState('a', 1), byName);
    pending.path.echoed(streamState('a', 1));
    records(pending.path, 'a', 1);
    expect(((await pending.path.settle(hung(), undefined)) as SluiceError).failureType).toBe('transient_error');
  });
});

describe('the state store', () => {
  it('folds commits that arrive during a write into the next write', async () => {
    const writes: unknown[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const store = new StateStore(new MergedState(), {
      location: undefined,
      label: 'test state',
      write: async (state) => {
        writes.push(messageForm(state));
        if (writes.length === 1) await first;
      },
    });
    const commit = (cursor: number) => ({ kind: 'STREAM' as const, covered: new Map(), state: streamState('a', cursor) });
    store.apply(commit(1));
    store.apply(commit(2));
    store.apply(commit(3));
    release();
    await store.flushed();
    expect(writes).toEqual([[streamState('a', 1)], [streamState('a', 3)]]);
  });
});

describe('the commit path of a following sync', () => {
  it('reports commits only once persisted, in order, with the source line and progress of the committed state', async () => {
    const writes: unknown[][] = [];
    let release: (() => void) | undefined;
    const store = new StateStore(new MergedState(), {
      location: undefined,
      label: 'test state',
      // The first write waits: the commits made meanwhile are persisted by the next write.
      write: async (state) => {
        if (writes.length === 0) await new Promise<void>((resolve) => (release = resolve));
        writes.push(messageForm(state));
      },
    });
    const persisted: Array<{ line: string; position?: string }> = [];
    const path = new CommitPath(store, new SyncStats(['a']), 'destination-test', (commit) => {
      persisted.push({ line: commit.attached!.line.toString(), position: commit.attached!.progress?.position });
    });
    // The source's own lines (spacing, key order, progress): what the destination got may differ (stream mapping).
    const lines = [1, 2, 3].map((n) => `{"type": "STATE", "state": {"type":"STREAM","stream":{"stream_descriptor":{"name":"a"},"stream_state":{"cursor":${n}}},"sourceProgress":{"position":"0/${n}","sourceTime":"2026-12-03T13:00:0${n}.000Z"}}}`);
    for (const line of lines) {
      const message = JSON.parse(line) as { state: AirbyteStateMessage };
      records(path, 'a', 1);
      // The relay hands a view into its chunk: the commit path must copy it.
      const chunk = Buffer.from(line);
      path.sourceState(message.state, byName, chunk);
      chunk.fill(0x20);
    }
    path.echoed(streamState('a', 1));
    await new Promise((resolve) => setImmediate(resolve));
    path.echoed(streamState('a', 2));
    path.echoed(streamState('a', 3));
    // Nothing is reported before it is written.
    expect(persisted).toEqual([]);
    release!();
    await store.flushed();
    await new Promise((resolve) => setImmediate(resolve));
    // In commit order, byte for byte the source's lines, the last committed one last.
    const order = persisted.map((reported) => lines.indexOf(reported.line));
    expect(order.every((index, at) => index >= 0 && (at === 0 || index > order[at - 1]!))).toBe(true);
    expect(persisted.at(-1)).toEqual({ line: lines[2], position: '0/3' });
  });
});
