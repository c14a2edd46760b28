// Owns schema-change detection at sync time: the source is discovered and compared with the connection's stored
// catalog (streams added or removed, top-level columns added or removed in a configured stream), and the
// connection's policy decides: ignore (sync with the stored catalog), propagate (add new streams with default
// modes, drop removed ones with their mappers, take the new stream schemas; mappers that no longer fit fail the job
// and nothing is stored: propagated-mappers.ts) or pause (disable the connection; the job fails).
// Only propagate (or the user, by changing the streams) settles a change: `discovered` stays what the source offered
// when the catalog was last settled, so a stream first seen under ignore is still new when the policy becomes
// propagate. Under ignore a change is reported once: not again while the same change is pending.
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream, streamKey } from '../../protocol/state.js';
import type { ConnectorClient } from '../../runtime/connector-client.js';
import type { Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import type { Connection } from '../store/records.js';
import { buildConfiguredCatalog } from '../../runtime/sync/configured-catalog.js';
import { fitMappersToPropagation } from './propagated-mappers.js';

export interface SchemaDiff {
  newStreams: string[];
  removedStreams: string[];
  columns: Array<{ stream: string; added: string[]; removed: string[] }>;
}

export interface SchemaChangeReport {
  changed: boolean;
  diff: SchemaDiff;
  /** One line, e.g. `new stream reviews; users: +email -phone`. */
  text: string;
  paused: boolean;
  /** The connection to sync with (its catalog updated under propagate). */
  connection: Connection;
  /** What the source offers now: the job syncs against it instead of discovering again. */
  discovered: AirbyteCatalog;
  /** For the job's summary (already logged): e.g. a removed stream's mappers dropped. */
  warnings: string[];
}

/**
 * New streams are those the source did not offer before (`known`: what it offered when the catalog was last
 * settled; the configured streams when that is not known); removed streams and column changes concern only
 * the configured streams.
 */
export function diffCatalogs(stored: ConfiguredAirbyteCatalog, known: AirbyteCatalog | null, discovered: AirbyteCatalog): SchemaDiff {
  const offered = new Map(discovered.streams.map((stream) => [streamKey(stream), stream]));
  const before = new Set((known?.streams ?? stored.streams.map((item) => item.stream)).map((stream) => streamKey(stream)));
  const diff: SchemaDiff = { newStreams: [], removedStreams: [], columns: [] };
  for (const stream of discovered.streams) if (!before.has(streamKey(stream))) diff.newStreams.push(describeStream(stream));
  for (const item of stored.streams) {
    const now = offered.get(streamKey(item.stream));
    if (!now) {
      diff.removedStreams.push(describeStream(item.stream));
      continue;
    }
    const before = columns(item.stream);
    const after = columns(now);
    const added = [...after].filter((column) => !before.has(column));
    const removed = [...before].filter((column) => !after.has(column));
    if (added.length > 0 || removed.length > 0) diff.columns.push({ stream: describeStream(item.stream), added, removed });
  }
  return diff;
}

export function describeDiff(diff: SchemaDiff): string {
  const parts = [
    ...diff.newStreams.map((name) => `new stream ${name}`),
    ...diff.removedStreams.map((name) => `removed stream ${name}`),
    ...diff.columns.map((change) => `${change.stream}: ${[...change.added.map((c) => `+${c}`), ...change.removed.map((c) => `-${c}`)].join(' ')}`),
  ];
  return parts.join('; ');
}

export async function applySchemaPolicy(
  store: Store,
  connection: Connection,
  source: ConnectorClient,
  sourceConfig: unknown,
  jobId: number | null,
  logger: Logger,
): Promise<SchemaChangeReport> {
  const discovered = await source.discover(sourceConfig, 'source config');
  const diff = diffCatalogs(connection.catalog, connection.discovered, discovered);
  const text = describeDiff(diff);
  const policy = connection.schemaChangePolicy;
  const changed = text !== '' && !(policy === 'ignore' && (await alreadyIgnored(store, connection, text)));
  if (!changed) return { changed, diff, text, paused: false, connection, discovered, warnings: [] };
  logger.warn({ diff, policy }, `the source's schema changed: ${text} (policy: ${policy})`);
  await store.webhooks.recordSchemaChange(connection.id, jobId, diff, policy);
  const { id, createdAt: _created, updatedAt: _updated, ...fields } = connection;
  if (policy === 'pause') {
    await store.connections.update(id, { ...fields, status: 'inactive', statusReason: `schema changed: ${text}` });
    return { changed, diff, text, paused: true, connection: (await store.connections.byId(id))!, discovered, warnings: [] };
  }
  // Under ignore nothing is settled: the change stays pending (recorded above, so it is reported once).
  if (policy === 'ignore') return { changed, diff, text, paused: false, connection, discovered, warnings: [] };
  const catalog = propagate(connection.catalog, connection.discovered, discovered);
  const { mappers, warnings } = fitMappersToPropagation(connection.name, catalog, connection.mappers, text);
  for (const warning of warnings) logger.warn(warning);
  const updated = await store.connections.update(id, { ...fields, catalog, discovered, mappers });
  return { changed, diff, text, paused: false, connection: updated, discovered, warnings };
}

/** Whether the last change recorded for the connection is this same one, met under ignore. */
async function alreadyIgnored(store: Store, connection: Connection, text: string): Promise<boolean> {
  const last = await store.webhooks.lastSchemaChange(connection.id);
  return last?.action === 'ignore' && describeDiff(last.diff as SchemaDiff) === text;
}

/** The stored catalog with removed streams dropped, new ones added with default modes, and new stream schemas. */
function propagate(stored: ConfiguredAirbyteCatalog, known: AirbyteCatalog | null, discovered: AirbyteCatalog): ConfiguredAirbyteCatalog {
  const offered = new Map(discovered.streams.map((stream) => [streamKey(stream), stream]));
  const kept = stored.streams
    .filter((item) => offered.has(streamKey(item.stream)))
    .map((item) => ({ ...item, stream: offered.get(streamKey(item.stream))! }));
  const before = new Set((known?.streams ?? stored.streams.map((item) => item.stream)).map((stream) => streamKey(stream)));
  const added = discovered.streams.filter((stream) => !before.has(streamKey(stream)));
  const addedConfigured = added.length === 0 ? [] : buildConfiguredCatalog({ streams: added }).streams;
  return { ...stored, streams: [...kept, ...addedConfigured] };
}

function columns(stream: AirbyteStream): Set<string> {
  const properties = (stream.json_schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return new Set(Object.keys(properties ?? {}));
}
