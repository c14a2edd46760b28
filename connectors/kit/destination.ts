// Owns writing a destination with the kit: the kit reads the messages, groups records into batches per stream,
// and calls the connector's `write` with each batch, `commit` before echoing any STATE (so a state goes back only
// once every record before it is durable), and `finish` at the end of input, telling which streams the runtime
// reported COMPLETE (a TRACE STREAM_STATUS that Sluice sends once the source has finished successfully).
import type { Readable } from 'node:stream';
import type {
  AirbyteRecordMessage,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  ConnectorSpecification,
} from '../../protocol/types.generated.js';
import { streamKey } from '../../protocol/state.js';
import { runConnector, ConnectorError } from './run-connector.js';
import { inputMessages } from './input-messages.js';
import type { MessageWriter } from './message-writer.js';
import { logMessage } from './messages.js';

export interface DestinationWriter {
  /** Stores a batch of one stream's records (not yet necessarily durable). */
  write(stream: ConfiguredAirbyteStream, records: AirbyteRecordMessage[]): Promise<void>;
  /** Makes everything written so far durable; the kit echoes the pending STATE right after. */
  commit(): Promise<void>;
  /**
   * End of input, after the last commit: deduplicate, close, and swap in overwritten tables, but only for streams
   * the runtime reported COMPLETE: a stream whose source failed, or whose sync was cut short, keeps its old data.
   */
  finish(isComplete: (stream: ConfiguredAirbyteStream) => boolean): Promise<void>;
  /** The sync failed or input was invalid: release resources; nothing uncommitted needs to be kept. */
  abort?(): Promise<void>;
}

export interface DestinationContext {
  log(message: string, level?: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG'): void;
}

export interface DestinationDefinition<Config> {
  spec: ConnectorSpecification;
  check?(config: Config): Promise<string | undefined | void> | string | undefined | void;
  open(config: Config, catalog: ConfiguredAirbyteCatalog, context: DestinationContext): Promise<DestinationWriter> | DestinationWriter;
  /** A stream's batch is written at this many records (default 10000) or bytes of data (default 8 MB). */
  batch?: { records?: number; bytes?: number };
}

export function runDestination<Config>(definition: DestinationDefinition<Config>, argv?: string[]): Promise<void> {
  return runConnector<Config>(
    {
      spec: definition.spec,
      async check(config) {
        return (await definition.check?.(config)) ?? undefined;
      },
      write: (config, catalog, input, out) => writeAll(definition, config, catalog, input, out),
    },
    argv,
  );
}

interface Batch {
  stream: ConfiguredAirbyteStream;
  records: AirbyteRecordMessage[];
  bytes: number;
}

async function writeAll<Config>(
  definition: DestinationDefinition<Config>,
  config: Config,
  catalog: ConfiguredAirbyteCatalog,
  input: Readable,
  out: MessageWriter,
): Promise<void> {
  const maxRecords = definition.batch?.records ?? 10_000;
  const maxBytes = definition.batch?.bytes ?? 8 * 1024 * 1024;
  const writer = await definition.open(config, catalog, { log: (message, level = 'INFO') => void out.emit(logMessage(level, message)) });
  const batches = new Map<string, Batch>();
  for (const stream of catalog.streams) batches.set(streamKey(stream.stream), { stream, records: [], bytes: 0 });
  let sinceState = 0;
  const completed = new Set<string>();

  const flush = async (batch: Batch): Promise<void> => {
    if (batch.records.length === 0) return;
    const records = batch.records;
    batch.records = [];
    batch.bytes = 0;
    await writer.write(batch.stream, records);
  };
  try {
    for await (const message of inputMessages(input)) {
      if (message.type === 'RECORD') {
        const record = message.record!;
        const batch = batches.get(streamKey({ name: record.stream, namespace: record.namespace }));
        if (!batch) throw new ConnectorError(`a record for stream ${record.stream}, which is not in the catalog`, 'system_error');
        batch.records.push(record);
        // The size of the data is estimated from its JSON only when a batch could be near its byte limit.
        batch.bytes += batch.records.length % 100 === 0 ? JSON.stringify(record.data).length * 100 : 0;
        sinceState++;
        if (batch.records.length >= maxRecords || batch.bytes >= maxBytes) await flush(batch);
      } else if (message.type === 'TRACE' && message.trace?.type === 'STREAM_STATUS' && message.trace.stream_status) {
        const status = message.trace.stream_status;
        if (status.status === 'COMPLETE') completed.add(streamKey(status.stream_descriptor));
      } else if (message.type === 'STATE') {
        for (const batch of batches.values()) await flush(batch);
        await writer.commit();
        await out.emit({ ...message, state: { ...message.state, destinationStats: { recordCount: sinceState } } });
        await out.flush();
        sinceState = 0;
      }
    }
    for (const batch of batches.values()) await flush(batch);
    await writer.commit();
    await writer.finish((stream) => completed.has(streamKey(stream.stream)));
  } catch (error) {
    await writer.abort?.().catch(() => undefined);
    throw error;
  }
}
