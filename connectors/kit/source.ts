// Owns writing a source with the kit: declare streams (name, schema, primary key, cursor) and yield records;
// the kit does the rest — command line, config validation, discover, the configured catalog, incremental cursors
// (records older than the saved cursor are dropped), a STATE per stream every N records or T seconds with
// sourceStats, stream statuses and estimates, errors as TRACE ERROR, and buffered output with backpressure.
import type { AirbyteStream, ConfiguredAirbyteStream, ConnectorSpecification, SyncMode } from '../../protocol/types.generated.js';
import { streamStateBlob, type NormalizedState } from '../../protocol/state.js';
import { runConnector, ConnectorError } from './run-connector.js';
import type { MessageWriter } from './message-writer.js';
import { logMessage, streamEstimate, streamState, streamStatus } from './messages.js';
import { compareCursors, toPath, valueAtPath } from './cursor.js';

export type Row = Record<string, unknown>;

export interface StreamReadContext<Config> {
  config: Config;
  syncMode: SyncMode;
  /** Incremental only: the cursor value saved by the last read; yield rows at or after it (older ones are dropped). */
  cursor?: unknown;
  /** The stream's whole saved state, for sources that keep more than a cursor. */
  state?: Record<string, unknown>;
  log(message: string, level?: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG'): void;
}

export interface StreamDefinition<Config> {
  name: string;
  namespace?: string;
  /** JSON schema of one row (type object). */
  schema: Record<string, unknown>;
  /** `'id'`, `['a', 'b']` for a nested field, or `[['a'], ['b']]` for a composite key. */
  primaryKey?: string | string[] | string[][];
  /** The field that grows with every change (`'updated_at'` or a path): makes the stream incremental. */
  cursorField?: string | string[];
  /** How many rows a read will produce, if cheap to know. */
  estimate?(config: Config): number | undefined | Promise<number | undefined>;
  read(context: StreamReadContext<Config>): AsyncIterable<Row> | Iterable<Row>;
}

export interface SourceDefinition<Config> {
  spec: ConnectorSpecification;
  /** Returns nothing when the connection works, or the reason it does not. */
  check?(config: Config): Promise<string | undefined | void> | string | undefined | void;
  streams: StreamDefinition<Config>[] | ((config: Config) => StreamDefinition<Config>[] | Promise<StreamDefinition<Config>[]>);
  /** When to emit a STATE: every `records` rows or `seconds` seconds, whichever comes first (10000 / 60). */
  stateEvery?: { records?: number; seconds?: number };
}

/** Runs a source defined with the kit: call it from the connector's main module. */
export function runSource<Config>(definition: SourceDefinition<Config>, argv?: string[]): Promise<void> {
  const streamsOf = async (config: Config) =>
    typeof definition.streams === 'function' ? await definition.streams(config) : definition.streams;
  return runConnector<Config>(
    {
      spec: definition.spec,
      async check(config) {
        return (await definition.check?.(config)) ?? undefined;
      },
      async discover(config) {
        return { streams: (await streamsOf(config)).map(describeStream) };
      },
      async read(config, catalog, state, out) {
        const streams = await streamsOf(config);
        for (const configured of catalog.streams) {
          const stream = streams.find((s) => s.name === configured.stream.name && (s.namespace ?? undefined) === (configured.stream.namespace ?? undefined));
          if (!stream) throw new ConnectorError(`the catalog names stream ${configured.stream.name}, which this source does not have`, 'config_error');
          await readStream(stream, configured, config, state, out, definition.stateEvery);
        }
      },
    },
    argv,
  );
}

function describeStream<Config>(stream: StreamDefinition<Config>): AirbyteStream {
  const cursor = toPath(stream.cursorField);
  const primaryKey = primaryKeyPaths(stream.primaryKey);
  return {
    name: stream.name,
    ...(stream.namespace ? { namespace: stream.namespace } : {}),
    json_schema: stream.schema,
    supported_sync_modes: cursor ? ['full_refresh', 'incremental'] : ['full_refresh'],
    ...(cursor ? { source_defined_cursor: true, default_cursor_field: cursor } : {}),
    ...(primaryKey ? { source_defined_primary_key: primaryKey } : {}),
  };
}

function primaryKeyPaths(key: StreamDefinition<unknown>['primaryKey']): string[][] | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'string') return [key.split('.')];
  if (key.every((part) => typeof part === 'string')) return [key as string[]];
  return key as string[][];
}

async function readStream<Config>(
  stream: StreamDefinition<Config>,
  configured: ConfiguredAirbyteStream,
  config: Config,
  saved: NormalizedState,
  out: MessageWriter,
  every: SourceDefinition<Config>['stateEvery'],
): Promise<void> {
  const { name, namespace } = stream;
  const incremental = configured.sync_mode === 'incremental';
  const cursorPath = toPath(configured.cursor_field) ?? toPath(stream.cursorField);
  if (incremental && !cursorPath) throw new ConnectorError(`stream ${name} has no cursor field for an incremental read`, 'config_error');
  const cursorKey = cursorPath?.join('.');
  const blob = streamStateBlob(saved, { name, namespace });
  const savedCursor = incremental && cursorKey ? blob?.[cursorKey] : undefined;
  const maxRecords = every?.records ?? 10_000;
  const maxMs = (every?.seconds ?? 60) * 1000;

  await out.emit(streamStatus(name, 'STARTED', namespace));
  const estimate = await stream.estimate?.(config);
  if (estimate !== undefined) await out.emit(streamEstimate(name, estimate));
  await out.emit(streamStatus(name, 'RUNNING', namespace));

  let highest = savedCursor;
  let sinceState = 0;
  let lastStateAt = Date.now();
  const emitState = async (): Promise<void> => {
    const blob = incremental && cursorKey && highest !== undefined ? { [cursorKey]: highest } : {};
    await out.emit(streamState(name, blob, sinceState, namespace));
    sinceState = 0;
    lastStateAt = Date.now();
  };
  const context: StreamReadContext<Config> = {
    config,
    syncMode: configured.sync_mode,
    ...(savedCursor !== undefined ? { cursor: savedCursor } : {}),
    ...(blob ? { state: blob } : {}),
    log: (message, level = 'INFO') => void out.emit(logMessage(level, message)),
  };
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(name)},${namespace ? `"namespace":${JSON.stringify(namespace)},` : ''}"data":`;
  try {
    for await (const row of stream.read(context)) {
      if (incremental && cursorPath) {
        const value = valueAtPath(row, cursorPath);
        if (savedCursor !== undefined && compareCursors(value, savedCursor) < 0) continue;
        if (compareCursors(value, highest) > 0) highest = value;
      }
      const waiting = out.emitLine(`${head}${JSON.stringify(row)},"emitted_at":${Date.now()}}}`);
      if (waiting) await waiting;
      if (++sinceState >= maxRecords || (sinceState % 1000 === 0 && Date.now() - lastStateAt >= maxMs)) await emitState();
    }
  } catch (error) {
    await out.emit(streamStatus(name, 'INCOMPLETE', namespace));
    throw error;
  }
  // Every stream ends with a state, even an empty one, so the next read knows where it stands.
  await emitState();
  await out.emit(streamStatus(name, 'COMPLETE', namespace));
}
