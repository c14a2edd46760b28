// The state ledger (runtime/sync/commit/ledger.ts): a state is committed only when the destination echoes it, in source
// order, per stream; an echo that matches no pending state stops all further commits.
import { describe, expect, it } from 'vitest';
import { StateLedger } from '../../runtime/sync/commit/ledger.js';
import type { AirbyteStateMessage } from '../../protocol/types.generated.js';

const streamState = (name: string, cursor: number): AirbyteStateMessage => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: { cursor } },
});
const key = (descriptor: { name: string; namespace?: string }): string => descriptor.name;

function records(ledger: StateLedger, stream: string, count: number): void {
  ledger.counterFor(stream).records += count;
}

describe('StateLedger', () => {
  it('commits nothing until the destination echoes a state', () => {
    const ledger = new StateLedger();
    records(ledger, 'a', 3);
    expect(ledger.fromSource(streamState('a', 3), key)).toMatchObject({ counted: 3 });
    expect(ledger.statesCommitted).toBe(0);
    expect(ledger.pendingCount).toBe(1);
    const commit = ledger.fromDestination(streamState('a', 3));
    expect(commit.state).toEqual(streamState('a', 3));
    expect(commit.covered.get('a')).toEqual({ records: 3, bytes: 0, filtered: 0 });
    expect(ledger.statesCommitted).toBe(1);
    expect(ledger.pendingCount).toBe(0);
  });

  it('an echo of a later state commits it and the skipped earlier ones, covering all their records', () => {
    const ledger = new StateLedger();
    for (const cursor of [1, 2, 3]) {
      records(ledger, 'a', 10);
      ledger.fromSource(streamState('a', cursor), key);
    }
    const commit = ledger.fromDestination(streamState('a', 2));
    expect(commit.state).toEqual(streamState('a', 2));
    expect(commit.covered.get('a')).toEqual({ records: 20, bytes: 0, filtered: 0 });
    expect(ledger.pendingCount).toBe(1);
  });

  it('matches per stream: an echo for one stream leaves the other stream pending', () => {
    const ledger = new StateLedger();
    records(ledger, 'a', 1);
    ledger.fromSource(streamState('a', 1), key);
    records(ledger, 'b', 2);
    ledger.fromSource(streamState('b', 1), key);
    const commit = ledger.fromDestination(streamState('b', 1));
    expect([...commit.covered]).toEqual([['b', { records: 2, bytes: 0, filtered: 0 }]]);
    expect(ledger.pendingCount).toBe(1);
    expect(ledger.fromDestination(streamState('a', 1)).covered.get('a')).toEqual({ records: 1, bytes: 0, filtered: 0 });
  });

  it('fails stop on an out-of-order echo: the mismatch and every later echo throw sync.state_mismatch', () => {
    const ledger = new StateLedger();
    ledger.fromSource(streamState('a', 1), key);
    ledger.fromSource(streamState('a', 2), key);
    ledger.fromDestination(streamState('a', 2));
    expect(() => ledger.fromDestination(streamState('a', 1))).toThrow(expect.objectContaining({ code: 'sync.state_mismatch' }));
    ledger.fromSource(streamState('a', 3), key);
    expect(() => ledger.fromDestination(streamState('a', 3))).toThrow(expect.objectContaining({ code: 'sync.state_mismatch' }));
    expect(ledger.statesCommitted).toBe(1);
  });

  it('an echo of a state never sent fails', () => {
    const ledger = new StateLedger();
    ledger.fromSource(streamState('a', 1), key);
    expect(() => ledger.fromDestination(streamState('a', 9))).toThrow(/not pending/);
    expect(ledger.statesCommitted).toBe(0);
  });

  it('a source mixing STREAM and GLOBAL states is a protocol violation', () => {
    const ledger = new StateLedger();
    ledger.fromSource(streamState('a', 1), key);
    const global: AirbyteStateMessage = { type: 'GLOBAL', global: { shared_state: {}, stream_states: [] } };
    expect(() => ledger.fromSource(global, key)).toThrow(expect.objectContaining({ code: 'connector.protocol_violation' }));
  });
});
