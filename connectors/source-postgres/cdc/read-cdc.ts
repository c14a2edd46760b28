// Owns a read in CDC mode, with one GLOBAL state: shared_state holds the LSN every captured stream is complete up
// to, stream_states each stream's snapshot (or full refresh) progress. A run (1) checks wal_level and prepares the
// publication and slot; (2) moves the slot up to the saved LSN — the destination committed everything before it —
// or, with no saved LSN, to the current WAL position; (3) snapshots the captured tables that have not been, in
// primary-key chunks, and reads the full_refresh streams; (4) reads the changes from the saved LSN to the WAL
// position at that moment, checkpointing at transaction ends. The slot is only ever peeked, never consumed, so an
// interrupted run loses nothing: the next one starts again from the last state the destination committed.
// Following (env SLUICE_FOLLOW=1, FOLLOW-CONTRACT.md), (5) the read then streams the WAL from the last state's LSN
// until stdin ends or SIGTERM (wal-follow.ts), each state carrying `sourceProgress`, and the slot is acknowledged
// only up to the states the runtime says it committed (committed-feedback.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AirbyteMessage } from '../../../protocol/types.generated.js';
import { streamKey } from '../../../protocol/state.js';
import { ConnectorError } from '../../kit/run-connector.js';
import { logMessage, streamStatus } from '../../kit/messages.js';
import type { CdcMethod, SourcePostgresConfig } from '../spec.js';
import { configuredTables, type ConfiguredTable } from '../configured-tables.js';
import { isTable, type PgTable } from '../discover.js';
import type { StandardReadOptions } from '../read-standard.js';
import { readByPrimaryKey, readWithoutKey, type TableRead } from '../table-reads.js';
import { prepareCdc } from './setup.js';
import { readChanges } from './changes.js';
import { CommittedFeedback } from './committed-feedback.js';
import { slotError } from './follow-errors.js';
import { lsnToNumber } from './pgoutput.js';
import { followWal } from './wal-follow.js';

export interface CdcReadOptions extends StandardReadOptions {
  method: CdcMethod;
  config: SourcePostgresConfig;
  /** Stream the WAL after catching up, until stdin ends or SIGTERM (SLUICE_FOLLOW=1). */
  follow?: boolean;
}

type StreamProgress = Record<string, unknown>;

export async function readCdc(options: CdcReadOptions): Promise<void> {
  if (!options.follow) return readOnce(options);
  try {
    await readOnce(options);
  } catch (error) {
    // While following, a busy or missing slot is said plainly (a busy one is worth a restart).
    throw slotError(error, options.method.replication_slot) ?? error;
  }
}

async function readOnce(options: CdcReadOptions): Promise<void> {
  const { client, out, method } = options;
  const entries = await configuredTables(client, options.catalog, options.defaultSchema, options.database);
  const captured = entries.filter((entry) => entry.incremental);
  for (const entry of captured) {
    if (!isTable(entry.table)) {
      throw new ConnectorError(`stream ${label(entry.table)} is a view; CDC captures tables only, so read it with full_refresh`, 'config_error');
    }
  }
  const slot = await prepareCdc(client, method, captured.map((entry) => entry.table));

  const saved = options.state.kind === 'GLOBAL' ? options.state.global?.global : undefined;
  if (options.state.kind === 'STREAM' || options.state.kind === 'LEGACY') {
    await out.emit(logMessage('WARN', 'the saved state is not a CDC (GLOBAL) state; starting over with a snapshot'));
  }
  const progress = new Map<string, StreamProgress>();
  for (const entry of saved?.stream_states ?? []) {
    if (entry.stream_state) progress.set(streamKey(entry.stream_descriptor), entry.stream_state);
  }
  let lsn = (saved?.shared_state as { lsn?: string } | undefined)?.lsn;
  /** Following: the source time every change up to `lsn` is older than (unknown for a saved LSN until a commit). */
  let sourceTime: string | undefined;
  if (lsn) {
    const { rows } = await client.query<{ behind: boolean }>('SELECT $1::pg_lsn < $2::pg_lsn AS behind', [lsn, slot.confirmedFlush]);
    if (rows[0]!.behind) {
      throw new ConnectorError(
        `replication slot ${method.replication_slot} has confirmed ${slot.confirmedFlush}, past the saved position ${lsn}: the changes in between are gone; reset this connection's state to take a new snapshot`,
        'config_error',
      );
    }
  } else {
    ({ lsn, time: sourceTime } = await currentWal(client));
    progress.clear();
  }
  await advanceSlot(client, method.replication_slot, lsn, slot.confirmedFlush);
  // Following: what the runtime says it committed; the start state's LSN is committed by definition.
  const feedback = options.follow && captured.length > 0 ? new CommittedFeedback(lsn) : undefined;

  const emitState = (records: number): Promise<void> | undefined => {
    // Told to stop while still snapshotting or catching up: end at this checkpoint (the next run resumes from the
    // last committed one).
    if (feedback?.stopped) throw new FollowStopped();
    const message = globalState(entries, progress, { lsn, slot: method.replication_slot, publication: method.publication }, records);
    if (options.follow) message.state!['sourceProgress'] = { position: lsn, ...(sourceTime ? { sourceTime } : {}) };
    return out.emit(message);
  };

  for (const entry of entries) await out.emit(streamStatus(entry.table.name, 'STARTED', entry.table.schema));
  for (const entry of entries) await out.emit(streamStatus(entry.table.name, 'RUNNING', entry.table.schema));
  try {
    await emitState(0);
    for (const entry of entries) {
      const key = streamKey({ name: entry.table.name, namespace: entry.table.schema });
      const done = progress.get(key);
      if (entry.incremental ? done?.['snapshot'] === 'done' : false) continue;
      const extra = entry.incremental ? `,"_ab_cdc_lsn":${lsnToNumber(lsn)},"_ab_cdc_updated_at":"${new Date().toISOString()}","_ab_cdc_deleted_at":null` : '';
      await snapshot(entry, options, extra, progress, key, emitState);
    }
    const tables = new Map(captured.map((entry) => [`${entry.table.schema}.${entry.table.name}`, entry.table]));
    if (captured.length > 0) {
      const { lsn: upto, time: uptoTime } = await currentWal(client);
      const count = await readChanges({
        client,
        slot: method.replication_slot,
        publication: method.publication,
        tables,
        upto,
        uptoTime,
        chunkSize: options.chunkSize,
        out,
        checkpoint: async (position, records, time) => {
          lsn = position;
          sourceTime = time;
          await emitState(records);
        },
      });
      await out.emit(logMessage('INFO', `CDC: ${count} changes read up to ${upto}`));
    }
    if (feedback) {
      for (const entry of entries) if (!entry.incremental) await out.emit(streamStatus(entry.table.name, 'COMPLETE', entry.table.schema));
      await out.flush();
      await followWal({
        client,
        config: options.config,
        slot: method.replication_slot,
        publication: method.publication,
        tables,
        chunkSize: options.chunkSize,
        out,
        feedback,
        startLsn: lsn,
        emitState: (position, time, records) => {
          lsn = position;
          sourceTime = time;
          return emitState(records);
        },
      });
      return;
    }
  } catch (error) {
    if (error instanceof FollowStopped) return;
    for (const entry of entries) await out.emit(streamStatus(entry.table.name, 'INCOMPLETE', entry.table.schema));
    throw error;
  } finally {
    feedback?.dispose();
  }
  for (const entry of entries) await out.emit(streamStatus(entry.table.name, 'COMPLETE', entry.table.schema));
}

/** Thrown at a checkpoint when a following read was told to stop before it streams. */
class FollowStopped extends Error {}

/** The server's WAL flush position, and its clock at that moment. */
async function currentWal(client: pg.Client): Promise<{ lsn: string; time: string }> {
  const { rows } = await client.query<{ lsn: string; time: Date }>('SELECT pg_current_wal_flush_lsn()::text AS lsn, clock_timestamp() AS time');
  return { lsn: rows[0]!.lsn, time: rows[0]!.time.toISOString() };
}

/** A captured table's initial snapshot, or a full_refresh stream's read, checkpointed after each chunk. */
async function snapshot(
  entry: ConfiguredTable,
  options: CdcReadOptions,
  extraFields: string,
  progress: Map<string, StreamProgress>,
  key: string,
  emitState: (records: number) => Promise<void> | undefined,
): Promise<void> {
  const { table } = entry;
  const read: TableRead = { client: options.client, table, columns: entry.columns, chunkSize: options.chunkSize, out: options.out, extraFields };
  const mode = entry.incremental ? 'cdc' : 'full_refresh';
  const previous = progress.get(key);
  const resuming = previous?.['mode'] === mode && previous['load_id'] && !previous['complete'] && previous['snapshot'] !== 'done' && table.primaryKey.length > 0;
  const loadId = resuming ? (previous!['load_id'] as string) : randomUUID();
  const after = resuming ? (previous!['after'] as string[] | undefined) : undefined;
  progress.set(key, { mode, load_id: loadId, ...(after ? { after } : {}) });
  let rows = 0;
  if (table.primaryKey.length > 0) {
    await readByPrimaryKey(read, after, async (lastKey, count) => {
      progress.set(key, { mode, load_id: loadId, after: lastKey });
      await emitState(count);
    });
  } else {
    await readWithoutKey(read, async (count) => {
      rows += count;
    });
  }
  progress.set(key, entry.incremental ? { mode, snapshot: 'done' } : { mode, load_id: loadId, complete: true });
  await emitState(rows);
}

async function advanceSlot(client: pg.Client, slot: string, to: string, confirmed: string): Promise<void> {
  const { rows } = await client.query<{ ahead: boolean }>('SELECT $1::pg_lsn > $2::pg_lsn AS ahead', [to, confirmed]);
  if (rows[0]!.ahead) await client.query('SELECT pg_replication_slot_advance($1, $2::pg_lsn)', [slot, to]);
}

function globalState(entries: ConfiguredTable[], progress: Map<string, StreamProgress>, shared: Record<string, unknown>, records: number): AirbyteMessage {
  return {
    type: 'STATE',
    state: {
      type: 'GLOBAL',
      global: {
        shared_state: { ...shared },
        stream_states: entries.map(({ table }) => ({
          stream_descriptor: { name: table.name, namespace: table.schema },
          stream_state: { ...(progress.get(streamKey({ name: table.name, namespace: table.schema })) ?? {}) },
        })),
      },
      sourceStats: { recordCount: records },
    },
  };
}

const label = (table: PgTable): string => `${table.schema}.${table.name}`;
