// test-connector's choice of kind: discover's answer decides; destination sync modes in a spec only break the tie
// when discover answers no streams.
import { describe, expect, it } from 'vitest';
import { declaredKind, kindFromDiscovery } from '../../acceptance/kind.js';
import type { DiscoverRun } from '../../acceptance/discover.js';
import type { AirbyteStream, ConnectorSpecification } from '../../protocol/types.generated.js';

const stream = (name: string): AirbyteStream => ({ name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] });
const run = (streams: AirbyteStream[] | undefined, failed = false): DiscoverRun => ({
  outcome: { exit: { code: failed ? 1 : 0 } as never, ...(failed ? { failure: new Error('exited with code 1') } : {}), stderrTail: [] },
  catalogs: streams ? [{ streams }] : [],
});
const withModes: ConnectorSpecification = { connectionSpecification: {}, supported_destination_sync_modes: ['append'] };
const withoutModes: ConnectorSpecification = { connectionSpecification: {} };

describe('deciding whether a connector is a source or a destination', () => {
  it('a discover that answers streams makes a source, whatever the spec declares', () => {
    expect(kindFromDiscovery(run([stream('a'), stream('b')]), withModes)).toEqual({ kind: 'source', reason: 'discover returned a CATALOG with 2 streams' });
  });

  it('a discover that answers no streams makes a destination when the spec lists destination sync modes', () => {
    expect(kindFromDiscovery(run(undefined, true), withModes)).toEqual({ kind: 'destination', reason: 'discover failed and its spec declares supported_destination_sync_modes' });
    expect(kindFromDiscovery(run([]), withModes)).toEqual({ kind: 'destination', reason: 'discover returned a CATALOG without streams and its spec declares supported_destination_sync_modes' });
  });

  it('without destination sync modes, a failed discover or an empty catalog is a source failing discover', () => {
    expect(kindFromDiscovery(run(undefined, true), withoutModes).kind).toBe('source');
    expect(kindFromDiscovery(run([]), withoutModes)).toEqual({ kind: 'source', reason: 'discover returned a CATALOG without streams' });
    expect(kindFromDiscovery(run(undefined), withoutModes)).toEqual({ kind: 'destination', reason: 'discover exited 0 without a CATALOG' });
  });

  it('--kind and a built-in name decide without discover', () => {
    expect(declaredKind('source', 'destination-postgres')).toEqual({ kind: 'source', reason: 'as asked' });
    expect(declaredKind(undefined, 'destination-postgres')).toEqual({ kind: 'destination', reason: 'a built-in destination' });
    expect(declaredKind(undefined, './my-connector.py')).toBeUndefined();
  });
});
