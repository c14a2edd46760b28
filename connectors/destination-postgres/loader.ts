// Owns a `write`: read the input line by line, COPY each record into its stream's table inside one open
// transaction, and at each STATE end the COPY, merge deduplicated streams, record the state for resumable overwrite
// loads and COMMIT — only then echo the STATE. At the end of input, commit what is left and finish each table
// (swap in overwrite loads). Invariant: a STATE goes out only after the transaction holding its records commits.
// Which overwrite loads are swapped in: when the input carries STREAM_STATUS traces (the Airbyte platform sends
// COMPLETE for each stream after the source succeeds), exactly the streams marked COMPLETE; otherwise the end of
// input is the only sign of success the protocol gives, and every stream that received a message is swapped in.
import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { streamKey } from '../../protocol/state.js';
import type { MessageWriter } from '../kit/message-writer.js';
import { ConnectorError } from '../kit/run-connector.js';
import { LoadStates, stateHash } from './load-states.js';
import { parseLossless } from './lossless-json.js';
import { StreamTable } from './stream-table.js';
import type { DestinationPostgresConfig } from './spec.js';

export async function writeStreams(
  client: pg.Client,
  config: DestinationPostgresConfig,
  catalog: ConfiguredAirbyteCatalog,
  input: Readable,
  out: MessageWriter,
): Promise<void> {
  const defaultSchema = config.schema ?? 'public';
  const tables = new Map<string, StreamTable>();
  for (const configured of catalog.streams) {
    const schema = config.namespace_mode === 'source' ? (configured.stream.namespace ?? defaultSchema) : defaultSchema;
    tables.set(streamKey(configured.stream), new StreamTable(client, configured, schema));
  }
  const loads = new LoadStates(client, config.internal_schema ?? 'airbyte_internal');
  if ([...tables.values()].some((table) => table.mode === 'overwrite')) await loads.prepare();
  for (const table of tables.values()) await table.prepare();

  let inTransaction = false;
  let copying: StreamTable | undefined;
  let sinceState = 0;
  let statusesSeen = false;
  const complete = new Set<string>();
  const begin = async (): Promise<void> => {
    if (!inTransaction) {
      await client.query('BEGIN');
      inTransaction = true;
    }
  };
  const settle = async (): Promise<void> => {
    await copying?.endCopy();
    copying = undefined;
    for (const table of tables.values()) await table.mergeStaged();
  };

  try {
    for await (const line of inputLines(input)) {
      const message = parseLossless(line) as AirbyteMessage;
      if (message.type === 'RECORD' && message.record) {
        const record = message.record;
        const table = tables.get(streamKey({ name: record.stream, namespace: record.namespace }));
        if (!table) throw new ConnectorError(`a record for stream ${record.stream}, which is not in the catalog`, 'system_error');
        if (copying !== table) {
          await copying?.endCopy();
          await begin();
          if (table.phase === 'undecided' && table.mode === 'overwrite') await startLoad(table, loads, false);
          table.startCopy();
          copying = table;
        }
        const waiting = table.write(record);
        if (waiting) await waiting;
        sinceState++;
      } else if (message.type === 'STATE' && message.state) {
        // Re-read with plain JSON.parse: the echo must carry the state exactly as the source's JSON reads.
        const original = JSON.parse(line) as AirbyteMessage;
        const state = original.state!;
        await settle();
        await begin();
        const hash = stateHash(state);
        const covered = coveredTables(state, tables);
        for (const table of covered) {
          if (table.phase === 'undecided' && table.mode === 'overwrite') await startLoad(table, loads, await loads.has(table.final, hash));
        }
        await loads.record(covered.filter((table) => table.mode === 'overwrite').map((table) => table.final), hash);
        await client.query('COMMIT');
        inTransaction = false;
        await out.emit({ ...original, state: { ...state, destinationStats: { recordCount: sinceState } } });
        await out.flush();
        sinceState = 0;
      } else if (message.type === 'TRACE' && message.trace?.type === 'STREAM_STATUS' && message.trace.stream_status) {
        statusesSeen = true;
        const status = message.trace.stream_status;
        if (status.status === 'COMPLETE') complete.add(streamKey(status.stream_descriptor));
      }
    }
    await settle();
    if (inTransaction) {
      await client.query('COMMIT');
      inTransaction = false;
    }
    for (const [key, table] of tables) {
      if (!statusesSeen || complete.has(key)) await table.finish();
    }
  } catch (error) {
    await copying?.endCopy().catch(() => undefined);
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function startLoad(table: StreamTable, loads: LoadStates, resumed: boolean): Promise<void> {
  await table.decide(resumed);
  if (!resumed) await loads.forget(table.final);
}

function coveredTables(state: AirbyteStateMessage, tables: Map<string, StreamTable>): StreamTable[] {
  if (state.type === 'STREAM' && state.stream) {
    const table = tables.get(streamKey(state.stream.stream_descriptor));
    return table ? [table] : [];
  }
  return [...tables.values()];
}

/** The input's non-blank lines, as text. */
async function* inputLines(input: Readable): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  let batch: string[] = [];
  const collect = (buffer: Buffer, start: number, end: number): void => {
    if (end > start && !(end - start === 1 && buffer[start] === 0x0d)) batch.push(buffer.toString('utf8', start, end));
  };
  for await (const chunk of input) {
    splitter.push(chunk as Buffer, collect);
    if (batch.length > 0) {
      const ready = batch;
      batch = [];
      yield* ready;
    }
  }
  splitter.end(collect);
  yield* batch;
}
