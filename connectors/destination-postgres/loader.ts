// Owns a `write`: read the input line by line and COPY each record into its stream's table inside one open
// transaction. STATEs are held until the next commit, which happens at a STATE once a second has passed or
// COMMIT_ROWS records have arrived since the last one (or when the input pauses for a second, or ends): end the COPY,
// merge deduplicated streams, record the held states for resumable overwrite loads, COMMIT, then echo the held
// states in order (the kit's StateEchoes, connectors/kit/state-echo.ts: a STATE goes out only after the transaction
// holding every record before it commits, as its input line with destinationStats added).
// In a following sync (SLUICE_COMMIT_INTERVAL_MS set, main.ts) the interval replaces the second, and a held state is
// also committed once it has waited that long — but only at a state boundary, when no record has arrived after the
// newest held state (checked per input chunk and when the input pauses; the idle wait ends at that deadline): the
// records after a state are a source transaction under way, and committing them would show part of it. They wait
// for the state that ends it. Without the variable the batch rules above are unchanged.
// An overwrite load is swapped in only for a stream the runtime reports COMPLETE (a TRACE STREAM_STATUS that Sluice,
// like the Airbyte platform, sends once the source has succeeded); an incomplete load stays in its staging table,
// where a rerun that resumes it continues.
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { streamKey } from '../../protocol/state.js';
import type { MessageWriter } from '../kit/message-writer.js';
import { ConnectorError } from '../kit/run-connector.js';
import { inputBatches } from '../kit/input-batches.js';
import { LoadStates, stateHash } from './load-states.js';
import { RecordScan } from '../kit/record-bytes.js';
import { StreamTable } from './stream-table.js';
import { placeStreams } from './table-names.js';
import { parseExact } from './exact-message.js';
import { StateEchoes } from '../kit/state-echo.js';
import { logMessage } from '../kit/messages.js';
import type { DestinationPostgresConfig } from './spec.js';

const COMMIT_MS = 1000;
const COMMIT_ROWS = 200_000;

/** The variable a following sync sets: the longest a received STATE may be held before its commit. */
export const COMMIT_INTERVAL_ENV = 'SLUICE_COMMIT_INTERVAL_MS';

/** The commit interval a following sync asks for, or undefined; anything but a positive whole number is refused. */
export function commitIntervalFrom(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[COMMIT_INTERVAL_ENV];
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new ConnectorError(`${COMMIT_INTERVAL_ENV} must be a positive whole number of milliseconds, not "${text}"`, 'config_error');
  }
  return ms;
}

/** What the commit records for a held STATE, so that an overwrite load can be resumed from it. */
interface HeldState {
  hash: string;
  covered: StreamTable[];
}

export async function writeStreams(
  client: pg.Client,
  config: DestinationPostgresConfig,
  catalog: ConfiguredAirbyteCatalog,
  input: Readable,
  out: MessageWriter,
  /** A following sync's SLUICE_COMMIT_INTERVAL_MS (commitIntervalFrom); undefined for a batch sync. */
  commitIntervalMs?: number,
): Promise<void> {
  const commitMs = commitIntervalMs ?? COMMIT_MS;
  const defaultSchema = config.schema ?? 'public';
  // Counts the non-blank input lines, to name the one a warning is about.
  let lineNumber = 0;
  const noTime = (label: string): void => {
    const message = `stream ${label}: the record on input line ${lineNumber} has no numeric emitted_at; its _airbyte_extracted_at is the time destination-postgres received it (later such records of this stream are not reported)`;
    void out.emit(logMessage('WARN', message));
  };
  const places = placeStreams(
    catalog.streams.map((configured) => configured.stream),
    (stream) => (config.namespace_mode === 'source' && stream.namespace ? stream.namespace : defaultSchema),
    streamKey,
  );
  const tables = new Map<string, StreamTable>();
  for (const configured of catalog.streams) {
    const key = streamKey(configured.stream);
    tables.set(key, new StreamTable(client, configured, places.get(key)!, noTime));
  }
  const loads = new LoadStates(client, config.internal_schema ?? 'airbyte_internal');
  if ([...tables.values()].some((table) => table.mode === 'overwrite')) await loads.prepare();
  for (const table of tables.values()) await table.prepare();

  let inTransaction = false;
  let copying: StreamTable | undefined;
  let sinceCommit = 0;
  let lastCommit = Date.now();
  // Following: when the oldest state held now arrived (it is due commitMs later), and the records received since the
  // newest STATE (a commit is at a state boundary only while that is 0).
  let heldSince: number | undefined;
  let recordsAfterState = 0;
  const echoes = new StateEchoes<HeldState>();
  const complete = new Set<string>();

  const begin = async (): Promise<void> => {
    if (!inTransaction) {
      await client.query('BEGIN');
      inTransaction = true;
    }
  };
  const endCopy = async (): Promise<void> => {
    const table = copying;
    copying = undefined;
    await table?.endCopy();
  };
  const commit = async (): Promise<void> => {
    const lines = await echoes.commit(async (held) => {
      await endCopy();
      if (!inTransaction) return;
      for (const table of tables.values()) await table.mergeStaged();
      for (const state of held) {
        await loads.record(state.covered.filter((table) => table.mode === 'overwrite').map((table) => table.final), state.hash);
      }
      await client.query('COMMIT');
      inTransaction = false;
    });
    for (const line of lines) await out.emitLine(line);
    await out.flush();
    sinceCommit = 0;
    lastCommit = Date.now();
    heldSince = undefined;
  };
  const atStateBoundary = (): boolean => commitIntervalMs === undefined || recordsAfterState === 0;
  const heldStateDue = (): boolean => heldSince !== undefined && atStateBoundary() && Date.now() - heldSince >= commitMs;
  // The idle wait of a following sync ends when the held state is due (and can be committed).
  const idleMs = commitIntervalMs === undefined
    ? COMMIT_MS
    : () => (heldSince === undefined || !atStateBoundary() ? commitMs : Math.max(1, heldSince + commitMs - Date.now()));

  const switchTo = async (table: StreamTable): Promise<void> => {
    await endCopy();
    await begin();
    if (table.phase === 'undecided' && table.mode === 'overwrite') await startLoad(table, loads, false);
    table.startCopy();
    copying = table;
  };
  const writeRecord = (table: StreamTable, key: string, line: Buffer, record: RecordScan): Promise<void> | undefined => {
    echoes.record(key);
    sinceCommit++;
    recordsAfterState++;
    return table.write(line, record);
  };
  const onMessage = async (message: AirbyteMessage, line: string): Promise<void> => {
    if (message.type === 'STATE' && message.state) {
      const state = message.state;
      const hash = stateHash(state);
      const covered = coveredTables(state, tables);
      for (const table of covered) {
        if (table.phase === 'undecided' && table.mode === 'overwrite') {
          await endCopy();
          await begin();
          await startLoad(table, loads, await loads.has(table.final, hash));
        }
      }
      echoes.hold(message, line, { hash, covered });
      recordsAfterState = 0;
      if (commitIntervalMs !== undefined) heldSince ??= Date.now();
      if (sinceCommit >= COMMIT_ROWS || Date.now() - lastCommit >= commitMs) await commit();
    } else if (message.type === 'TRACE' && message.trace?.type === 'STREAM_STATUS' && message.trace.stream_status) {
      const status = message.trace.stream_status;
      if (status.status === 'COMPLETE') complete.add(streamKey(status.stream_descriptor));
    }
  };
  const record = new RecordScan();
  // The last record's stream: the next record is most often of the same one.
  let lastStream: string | undefined;
  let lastNamespace: string | undefined;
  let lastKey = '';
  let lastTable: StreamTable | undefined;
  /** Handles one line; returns a promise only when the caller must wait (backpressure, a commit, a new COPY). */
  const onLine = (line: Buffer): Promise<void> | undefined => {
    lineNumber++;
    if (!scanLine(line, record)) {
      const text = line.toString('utf8');
      return onMessage(parseMessage(text), text);
    }
    if (record.stream !== lastStream || record.namespace !== lastNamespace || !lastTable) {
      const key = streamKey({ name: record.stream, namespace: record.namespace });
      const table = tables.get(key);
      if (!table) throw new ConnectorError(`a record for stream ${record.stream}, which is not in the catalog`, 'system_error');
      lastStream = record.stream;
      lastNamespace = record.namespace;
      lastKey = key;
      lastTable = table;
    }
    const table = lastTable;
    const key = lastKey;
    if (copying !== table) return switchTo(table).then(() => writeRecord(table, key, line, record));
    return writeRecord(table, key, line, record);
  };

  try {
    for await (const batch of inputBatches(input, utf8Lines(), idleMs)) {
      if (batch === undefined) {
        // The input paused: commit what is held rather than keep states waiting (following: at a state boundary).
        if (echoes.size > 0 && atStateBoundary()) await commit();
        continue;
      }
      for (const line of batch) {
        const waiting = onLine(line);
        if (waiting) await waiting;
      }
      if (heldStateDue()) await commit();
    }
    await commit();
    for (const [key, table] of tables) {
      if (complete.has(key)) await table.finish();
    }
  } catch (error) {
    await endCopy().catch(() => undefined);
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * A line's bytes; undefined for an empty line (or a lone carriage return). Bytes that are not UTF-8 are replaced
 * (by U+FFFD) as decoding the line would, so COPY gets the text it always got. Each chunk is checked once, whole.
 */
function utf8Lines(): (buffer: Buffer, start: number, end: number) => Buffer | undefined {
  let checkedChunk: Buffer | undefined;
  let chunkIsUtf8 = true;
  return (buffer, start, end) => {
    if (end <= start || (end - start === 1 && buffer[start] === 0x0d)) return undefined;
    if (buffer !== checkedChunk) {
      // The lines after this one in the same chunk lie before its last newline.
      checkedChunk = buffer;
      chunkIsUtf8 = isUtf8(buffer.subarray(start, Math.max(end, buffer.lastIndexOf(0x0a) + 1)));
    }
    const line = buffer.subarray(start, end);
    return chunkIsUtf8 || isUtf8(line) ? line : Buffer.from(line.toString('utf8'));
  };
}

function parseMessage(line: string): AirbyteMessage {
  try {
    return parseExact(line);
  } catch (error) {
    throw notJson(line, error);
  }
}

/** Reads a RECORD's parts into `record` without parsing the line; false for any other message. */
function scanLine(line: Buffer, record: RecordScan): boolean {
  try {
    return record.scan(line);
  } catch (error) {
    throw notJson(line.toString('utf8', 0, Math.min(line.length, 512)), error);
  }
}

function notJson(line: string, error: unknown): ConnectorError {
  return new ConnectorError(`an input line is not a JSON protocol message (${(error as Error).message}): ${line.slice(0, 120)}`, 'system_error');
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
