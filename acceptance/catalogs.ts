// Owns the configured catalogs the read suites use: every stream as full refresh, and the streams that can be
// read incrementally (a cursor known up front) as incremental; built from the discovered catalog, or from the
// user's configured catalog when one is given. Also finds each stream's schema and cursor.
import { streamKey } from '../protocol/state.js';
import type {
  AirbyteCatalog,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
} from '../protocol/types.generated.js';

export interface CatalogSources {
  discovered?: AirbyteCatalog;
  /** The user's configured catalog (--catalog); it decides which streams are read. */
  given?: ConfiguredAirbyteCatalog;
}

export function fullRefreshCatalog({ discovered, given }: CatalogSources): ConfiguredAirbyteCatalog | undefined {
  if (given) {
    return { streams: given.streams.map((configured) => ({ ...configured, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
  }
  if (!discovered) return undefined;
  return {
    streams: discovered.streams.map((stream) => ({
      stream,
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
      ...(stream.source_defined_primary_key?.length ? { primary_key: stream.source_defined_primary_key } : {}),
    })),
  };
}

/** The streams to read incrementally (each with its cursor_field set), or an empty catalog when there are none. */
export function incrementalCatalog({ discovered, given }: CatalogSources): ConfiguredAirbyteCatalog | undefined {
  if (given) {
    const streams = given.streams
      .filter((configured) => configured.sync_mode === 'incremental')
      .map((configured) => ({ ...configured, cursor_field: configured.cursor_field ?? configured.stream.default_cursor_field }))
      .filter((configured) => (configured.cursor_field?.length ?? 0) > 0);
    return { streams };
  }
  if (!discovered) return undefined;
  const streams: ConfiguredAirbyteStream[] = discovered.streams
    .filter((stream) => stream.supported_sync_modes?.includes('incremental') && (stream.default_cursor_field?.length ?? 0) > 0)
    .map((stream) => ({
      stream,
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
      cursor_field: stream.default_cursor_field,
      ...(stream.source_defined_primary_key?.length ? { primary_key: stream.source_defined_primary_key } : {}),
    }));
  return { streams };
}

/**
 * Each configured stream's json_schema, by stream key: the discovered one when the source discovered the
 * stream (a configured catalog may carry an empty placeholder), else the configured one.
 */
export function schemasByStream(catalog: ConfiguredAirbyteCatalog, discovered: AirbyteCatalog | undefined): Map<string, object> {
  const found = new Map<string, AirbyteStream>((discovered?.streams ?? []).map((stream) => [streamKey(stream), stream]));
  return new Map(
    catalog.streams.map((configured) => {
      const key = streamKey(configured.stream);
      return [key, found.get(key)?.json_schema ?? configured.stream.json_schema ?? {}];
    }),
  );
}

/** Each configured stream's primary key (configured, else source-defined), by stream key; absent when none. */
export function primaryKeysByStream(catalog: ConfiguredAirbyteCatalog): Map<string, string[][]> {
  const keys = new Map<string, string[][]>();
  for (const configured of catalog.streams) {
    const key = configured.primary_key?.length ? configured.primary_key : configured.stream.source_defined_primary_key;
    if (key?.length) keys.set(streamKey(configured.stream), key);
  }
  return keys;
}
