// Owns writing a destination with the kit: the kit reads the messages, groups records into batches per stream,
// and calls the connector's `write` with each batch, `commit` before echoing any STATE (state-echo.ts: a state goes
// back only once every record before it is durable), and `finish` at the end of input, telling which streams the runtime
// reported COMPLETE (a TRACE STREAM_STATUS that Sluice sends once the source has finished successfully).
// Records reach `write` with their data's original JSON text and its value parsed without losing digits; one without
// a numeric emitted_at is stamped with the time it arrived (a WARN at the end says how many). Each STATE is echoed
// as it came, numbers intact, with destinationStats.recordCount: the records of its own stream since that stream's
// last STATE, or of every stream for a GLOBAL or LEGACY state.
import type { Readable } from 'node:stream';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, ConnectorSpecification } from '../../protocol/types.generated.js';
import { describeStream, streamKey } from '../../protocol/state.js';
import { runConnector, ConnectorError } from './run-connector.js';
import { inputItems, type DestinationRecord } from './input-records.js';
import type { MessageWriter } from './message-writer.js';
import { logMessage } from './messages.js';
import { StateEchoes } from './state-echo.js';

export type { DestinationRecord } from './input-records.js';

export interface DestinationWriter {
  /** Stores a batch of one stream's records (not yet necessarily durable). */
  write(stream: ConfiguredAirbyteStream, records: DestinationRecord[]): Promise<void>;
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
  /** A stream's batch is written at this many records (default 1000: a batch held longer costs more garbage collection than it saves) or bytes of data (default 8 MB). */
  batch?: { records?: number; bytes?: number };
  /**
   * false: the destination stores each record's `dataJson` and rarely reads `data`, so the kit only checks that the
   * data is valid JSON and parses it when `data` is first read (default true: parsed once, before `write`).
   */
  parseRecords?: boolean;
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
  records: DestinationRecord[];
  bytes: number;
  /** Records stamped with the time they arrived, for the closing warning. */
  stamped: number;
}

async function writeAll<Config>(
  definition: DestinationDefinition<Config>,
  config: Config,
  catalog: ConfiguredAirbyteCatalog,
  input: Readable,
  out: MessageWriter,
): Promise<void> {
  const maxRecords = definition.batch?.records ?? 1000;
  const maxBytes = definition.batch?.bytes ?? 8 * 1024 * 1024;
  const writer = await definition.open(config, catalog, { log: (message, level = 'INFO') => void out.emit(logMessage(level, message)) });
  const batches = new Map<string, Batch>();
  for (const stream of catalog.streams) batches.set(streamKey(stream.stream), { stream, records: [], bytes: 0, stamped: 0 });
  const echoes = new StateEchoes();
  const completed = new Set<string>();

  const flush = async (batch: Batch): Promise<void> => {
    if (batch.records.length === 0) return;
    const records = batch.records;
    batch.records = [];
    batch.bytes = 0;
    await writer.write(batch.stream, records);
  };
  let last: Batch | undefined;
  try {
    for await (const items of inputItems(input, { parse: definition.parseRecords ?? true })) {
      for (const item of items) {
        if (item.kind === 'record') {
          const record = item.record;
          let batch = last;
          if (!batch || batch.stream.stream.name !== record.stream || (batch.stream.stream.namespace ?? undefined) !== record.namespace) {
            batch = batches.get(streamKey({ name: record.stream, namespace: record.namespace }));
            if (!batch) throw new ConnectorError(`a record for stream ${record.stream}, which is not in the catalog`, 'system_error');
            last = batch;
          }
          batch.records.push(record);
          batch.bytes += record.dataJson.length;
          if (record.stamped) batch.stamped++;
          if (batch.records.length >= maxRecords || batch.bytes >= maxBytes) {
            echoes.record(streamKey(batch.stream.stream), batch.records.length);
            await flush(batch);
          }
          continue;
        }
        const message = item.message;
        if (message.type === 'TRACE' && message.trace?.type === 'STREAM_STATUS' && message.trace.stream_status) {
          const status = message.trace.stream_status;
          if (status.status === 'COMPLETE') completed.add(streamKey(status.stream_descriptor));
        } else if (message.type === 'STATE') {
          for (const batch of batches.values()) {
            echoes.record(streamKey(batch.stream.stream), batch.records.length);
            await flush(batch);
          }
          echoes.hold(message, item.line, undefined);
          for (const line of await echoes.commit(() => writer.commit())) await out.emitLine(line);
          await out.flush();
        }
      }
    }
    for (const batch of batches.values()) await flush(batch);
    await writer.commit();
    await writer.finish((stream) => completed.has(streamKey(stream.stream)));
    for (const batch of batches.values()) {
      if (batch.stamped > 0) {
        const what = batch.stamped === 1 ? '1 record had' : `${batch.stamped} records had`;
        await out.emit(logMessage('WARN', `stream ${describeStream(batch.stream.stream)}: ${what} no numeric emitted_at; they are stamped with the time the destination received them`));
      }
    }
  } catch (error) {
    await writer.abort?.().catch(() => undefined);
    throw error;
  }
}
