// Owns deciding whether test-connector treats a connector as a source or a destination. What the connector does
// decides, not what its spec says: some sources also list supported_destination_sync_modes. `--kind` wins, then a
// built-in's registered kind; otherwise discover answering a CATALOG with streams makes a source, and a discover
// that answers none (fails, or exits 0 without a CATALOG) makes a destination when its spec lists destination sync
// modes or when it exited 0; a discover that fails without such modes is a source's failure.
import type { ConnectorSpecification } from '../protocol/types.generated.js';
import { findBuiltinConnector } from '../runtime/launchers/builtin-connectors.js';
import type { DiscoverRun } from './discover.js';
import type { ConnectorKind } from './results.js';

export interface KindDecision {
  kind: ConnectorKind;
  reason: string;
}

/** The kind known without running discover: asked for, or a built-in's. */
export function declaredKind(asked: ConnectorKind | undefined, connectorName: string): KindDecision | undefined {
  if (asked) return { kind: asked, reason: 'as asked' };
  const builtin = findBuiltinConnector(connectorName);
  if (builtin) return { kind: builtin.kind, reason: `a built-in ${builtin.kind}` };
  return undefined;
}

export function kindFromDiscovery(discovery: DiscoverRun, spec: ConnectorSpecification | undefined): KindDecision {
  const catalog = discovery.catalogs[0];
  const streams = Array.isArray(catalog?.streams) ? catalog.streams.length : 0;
  if (streams > 0) return { kind: 'source', reason: `discover returned a CATALOG with ${streams} stream${streams === 1 ? '' : 's'}` };
  const destinationModes = (spec?.supported_destination_sync_modes?.length ?? 0) > 0;
  const answered = catalog
    ? 'discover returned a CATALOG without streams'
    : discovery.outcome.failure
      ? 'discover failed'
      : 'discover exited 0 without a CATALOG';
  if (destinationModes) return { kind: 'destination', reason: `${answered} and its spec declares supported_destination_sync_modes` };
  if (!catalog && !discovery.outcome.failure) return { kind: 'destination', reason: answered };
  if (catalog) return { kind: 'source', reason: answered };
  return { kind: 'source', reason: 'discover failed (a destination would declare supported_destination_sync_modes)' };
}
