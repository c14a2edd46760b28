// Owns the configured catalog of a sync: built from what the source discovered (all streams or the named ones,
// incremental + append_dedup where a stream has a cursor and a primary key, else full_refresh + overwrite, with
// per-stream overrides) or read from a file, and in both cases checked against the discovered catalog before
// anything runs.
import type {
  AirbyteCatalog,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  DestinationSyncMode,
  SyncMode,
} from '../../protocol/types.generated.js';
import { describeStream, streamKey } from '../../protocol/state.js';
import { SluiceError } from '../errors.js';

export interface StreamOverride {
  syncMode?: SyncMode;
  destinationSyncMode?: DestinationSyncMode;
  cursorField?: string[];
  primaryKey?: string[][];
}

export interface CatalogChoice {
  /** Stream names to sync (namespace.name also accepted); all when absent. */
  streams?: string[];
  overrides?: Map<string, StreamOverride>;
}

export function buildConfiguredCatalog(discovered: AirbyteCatalog, choice: CatalogChoice = {}): ConfiguredAirbyteCatalog {
  const wanted = choice.streams;
  const byName = new Map<string, AirbyteStream>();
  for (const stream of discovered.streams) {
    byName.set(stream.name, stream);
    if (stream.namespace) byName.set(`${stream.namespace}.${stream.name}`, stream);
  }
  const selected = wanted
    ? wanted.map((name) => {
        const stream = byName.get(name);
        if (!stream) throw unknownStream(name, discovered);
        return stream;
      })
    : discovered.streams;
  for (const name of choice.overrides?.keys() ?? []) if (!byName.has(name)) throw unknownStream(name, discovered);
  const catalog: ConfiguredAirbyteCatalog = {
    streams: selected.map((stream) => {
      const override = choice.overrides?.get(describeStream(stream)) ?? choice.overrides?.get(stream.name) ?? {};
      return configureStream(stream, override);
    }),
  };
  checkConfiguredCatalog(catalog, discovered);
  return catalog;
}

function configureStream(stream: AirbyteStream, override: StreamOverride): ConfiguredAirbyteStream {
  const cursor = override.cursorField ?? stream.default_cursor_field;
  const primaryKey = override.primaryKey ?? stream.source_defined_primary_key;
  const canIncrement = stream.supported_sync_modes.includes('incremental') && hasPath(cursor) && hasKey(primaryKey);
  const syncMode = override.syncMode ?? (canIncrement ? 'incremental' : 'full_refresh');
  const destinationSyncMode =
    override.destinationSyncMode ?? (syncMode === 'incremental' ? (hasKey(primaryKey) ? 'append_dedup' : 'append') : 'overwrite');
  return {
    stream,
    sync_mode: syncMode,
    destination_sync_mode: destinationSyncMode,
    ...(hasPath(cursor) ? { cursor_field: cursor } : {}),
    ...(hasKey(primaryKey) ? { primary_key: primaryKey } : {}),
  };
}

/** Checks each configured stream against what the source offers; one error naming the first problem. */
export function checkConfiguredCatalog(catalog: ConfiguredAirbyteCatalog, discovered: AirbyteCatalog): void {
  const offered = new Map(discovered.streams.map((stream) => [streamKey(stream), stream]));
  const seen = new Set<string>();
  for (const configured of catalog.streams) {
    const name = describeStream(configured.stream);
    const key = streamKey(configured.stream);
    if (seen.has(key)) throw mismatch(`stream ${name} is configured twice`);
    seen.add(key);
    const stream = offered.get(key);
    if (!stream) throw unknownStream(name, discovered);
    if (!stream.supported_sync_modes.includes(configured.sync_mode)) {
      throw mismatch(`stream ${name} does not support sync mode ${configured.sync_mode} (it supports ${stream.supported_sync_modes.join(', ')})`);
    }
    const cursor = configured.cursor_field ?? stream.default_cursor_field;
    if (configured.sync_mode === 'incremental' && !stream.source_defined_cursor && !hasPath(cursor)) {
      throw mismatch(`stream ${name} is incremental but has no cursor field`, `set one with --cursor ${name}=FIELD`);
    }
    if (configured.sync_mode === 'incremental' && hasPath(cursor) && !schemaHasPath(stream, cursor!)) {
      throw mismatch(`stream ${name}: cursor field ${cursor!.join('.')} is not in its schema`);
    }
    const primaryKey = configured.primary_key ?? stream.source_defined_primary_key;
    if (configured.destination_sync_mode === 'append_dedup' && !hasKey(primaryKey)) {
      throw mismatch(`stream ${name} uses append_dedup but has no primary key`, `set one with --primary-key ${name}=FIELD`);
    }
    for (const path of primaryKey ?? []) {
      if (!schemaHasPath(stream, path)) throw mismatch(`stream ${name}: primary key field ${path.join('.')} is not in its schema`);
    }
  }
}

/** Checks that the destination accepts each stream's destination sync mode, when its spec says which it accepts. */
export function checkDestinationModes(catalog: ConfiguredAirbyteCatalog, supported: string[] | undefined, destination: string): void {
  if (!supported || supported.length === 0) return;
  for (const configured of catalog.streams) {
    if (!supported.includes(configured.destination_sync_mode)) {
      throw mismatch(
        `destination ${destination} does not support ${configured.destination_sync_mode} (stream ${describeStream(configured.stream)}); it supports ${supported.join(', ')}`,
      );
    }
  }
}

function schemaHasPath(stream: AirbyteStream, path: string[]): boolean {
  let schema: unknown = stream.json_schema;
  for (const key of path) {
    const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
    // A schema that does not list its properties cannot be checked: accept the path.
    if (properties === undefined) return true;
    schema = properties[key];
    if (schema === undefined) return false;
  }
  return true;
}

const hasPath = (path: string[] | undefined): boolean => Array.isArray(path) && path.length > 0;
const hasKey = (key: string[][] | undefined): boolean => Array.isArray(key) && key.length > 0 && key.every(hasPath);

function unknownStream(name: string, discovered: AirbyteCatalog): SluiceError {
  const names = discovered.streams.map(describeStream).join(', ');
  return mismatch(`stream ${name} is not offered by the source`, `it offers: ${names || 'no streams'}`);
}

function mismatch(message: string, hint?: string): SluiceError {
  return new SluiceError('sync.catalog_mismatch', message, { hint });
}
