// Owns reading the changes a slot holds, without consuming them: pg_logical_slot_peek_binary_changes up to a fixed
// LSN through a server-side cursor, pgoutput decoded, inserts/updates/deletes of the captured tables turned into
// records. Values arrive as text; PostgreSQL itself types them (json_populate_recordset) and renders them with the
// same expressions as the snapshot, so a row looks the same whichever way it came. A checkpoint is offered after a
// commit once `chunkSize` records have gone out, with the commit's end LSN: replay from it skips that transaction.
import type pg from 'pg';
import type { MessageWriter } from '../../kit/message-writer.js';
import { logMessage } from '../../kit/messages.js';
import { qualifiedName, quoteIdent } from '../../kit/postgres/connection.js';
import type { PgTable } from '../discover.js';
import { recordJson, ROW_ALIAS } from '../types.js';
import { decodePgOutput, lsnToNumber, type Relation, type TupleValue } from './pgoutput.js';

const JSON_TYPES = new Set([114, 3802]);
const FETCH_ROWS = 5000;

export interface ChangeRead {
  client: pg.Client;
  slot: string;
  publication: string;
  /** The captured tables, by `schema.name`. */
  tables: Map<string, PgTable>;
  upto: string;
  chunkSize: number;
  out: MessageWriter;
  /** After a commit, with the LSN (text) a replay should start after, and the records since the last checkpoint. */
  checkpoint(lsn: string, records: number): Promise<void>;
}

interface PendingRow {
  json: string;
  extra: string;
  unchangedKey?: string[];
}

export async function readChanges(read: ChangeRead): Promise<number> {
  const { client, out } = read;
  const relations = new Map<number, Relation>();
  const pending = new Map<string, PendingRow[]>();
  let pendingCount = 0;
  let sinceCheckpoint = 0;
  let total = 0;
  let commitTime = '';

  const flush = async (): Promise<void> => {
    for (const [id, rows] of pending) {
      if (rows.length === 0) continue;
      await emitRows(read, read.tables.get(id)!, rows);
      sinceCheckpoint += rows.length;
      total += rows.length;
    }
    pending.clear();
    pendingCount = 0;
  };

  await client.query('BEGIN');
  try {
    await client.query(
      `DECLARE sluice_changes NO SCROLL CURSOR FOR SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, NULL, 'proto_version', '1', 'publication_names', $3)`,
      [read.slot, read.upto, read.publication],
    );
    for (;;) {
      const { rows } = await client.query<[string, Buffer]>({ text: `FETCH ${FETCH_ROWS} FROM sluice_changes`, rowMode: 'array' });
      if (rows.length === 0) break;
      for (const [lsn, data] of rows) {
        const message = decodePgOutput(data);
        switch (message.tag) {
          case 'relation':
            relations.set(message.relation.id, message.relation);
            break;
          case 'begin':
            commitTime = message.commitTime.toISOString();
            break;
          case 'insert':
          case 'update':
          case 'delete': {
            const relation = relations.get(message.relationId);
            const id = relation && `${relation.schema}.${relation.name}`;
            if (!relation || !read.tables.has(id!)) break;
            const deleted = message.tag === 'delete';
            const tuple = deleted ? message.old : message.tuple;
            const row = rowOf(relation, tuple);
            const extra = `,"_ab_cdc_lsn":${lsnToNumber(lsn)},"_ab_cdc_updated_at":"${commitTime}","_ab_cdc_deleted_at":${deleted ? `"${commitTime}"` : 'null'}`;
            let list = pending.get(id!);
            if (!list) pending.set(id!, (list = []));
            list.push({ json: row.json, extra, ...(row.unchanged ? { unchangedKey: keyOf(relation, tuple) } : {}) });
            if (++pendingCount >= read.chunkSize) await flush();
            break;
          }
          case 'commit':
            if (pendingCount + sinceCheckpoint >= read.chunkSize) {
              await flush();
              await read.checkpoint(lsnFromBigint(message.endLsn), sinceCheckpoint);
              sinceCheckpoint = 0;
            }
            break;
          case 'truncate':
            await out.emit(logMessage('WARN', `a TRUNCATE of ${message.relationIds.map((r) => relations.get(r)?.name ?? r).join(', ')} was captured; CDC does not delete the destination's rows for it`));
            break;
          default:
            break;
        }
      }
    }
    await flush();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await read.checkpoint(read.upto, sinceCheckpoint);
  return total;
}

function lsnFromBigint(value: bigint): string {
  return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** A JSON object of the tuple's text values (json columns embedded as JSON), for json_populate_recordset. */
function rowOf(relation: Relation, tuple: TupleValue[]): { json: string; unchanged: boolean } {
  const parts: string[] = [];
  let unchanged = false;
  relation.columns.forEach((column, i) => {
    const value = tuple[i];
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      unchanged = true;
      return;
    }
    parts.push(`${JSON.stringify(column.name)}:${JSON_TYPES.has(column.typeOid) ? value : JSON.stringify(value)}`);
  });
  return { json: `{${parts.join(',')}}`, unchanged };
}

function keyOf(relation: Relation, tuple: TupleValue[]): string[] {
  return relation.columns.flatMap((column, i) => (column.key ? [String(tuple[i])] : []));
}

/** Types and renders one table's changed rows in PostgreSQL, then writes them as records. */
async function emitRows(read: ChangeRead, table: PgTable, rows: PendingRow[]): Promise<void> {
  const { client, out } = read;
  const all = await fillUnchanged(read, table, rows);
  const json = recordJson(table.columns, true);
  const { rows: rendered } = await client.query<[string]>({
    text: `SELECT ${json} FROM json_populate_recordset(NULL::${qualifiedName(table.schema, table.name)}, $1::json) AS ${ROW_ALIAS}`,
    values: [`[${all.map((row) => row.json).join(',')}]`],
    rowMode: 'array',
  });
  const head = `{"type":"RECORD","record":{"stream":${JSON.stringify(table.name)},"namespace":${JSON.stringify(table.schema)},"data":`;
  const tail = `,"emitted_at":${Date.now()}}}`;
  for (let i = 0; i < rendered.length; i++) {
    const data = rendered[i]![0];
    const extra = all[i]!.extra;
    const body = data.length === 2 ? `{${extra.slice(1)}}` : `${data.slice(0, -1)}${extra}}`;
    const waiting = out.emitLine(head + body + tail);
    if (waiting) await waiting;
  }
}

/**
 * An update that left a TOASTed column unchanged does not carry its value: take it from the table as it is now
 * (a later change to the row, if any, follows in the same read).
 */
async function fillUnchanged(read: ChangeRead, table: PgTable, rows: PendingRow[]): Promise<PendingRow[]> {
  if (!rows.some((row) => row.unchangedKey) || table.primaryKey.length === 0) return rows;
  const key = table.primaryKey.map(quoteIdent);
  const filled: PendingRow[] = [];
  for (const row of rows) {
    if (!row.unchangedKey) {
      filled.push(row);
      continue;
    }
    const { rows: current } = await read.client.query<{ row: Record<string, unknown> }>(
      `SELECT to_json(t) AS row FROM ${qualifiedName(table.schema, table.name)} AS t WHERE (${key.join(', ')}) = (${key.map((_, i) => `$${i + 1}`).join(', ')})`,
      row.unchangedKey,
    );
    const merged = { ...(current[0]?.row ?? {}), ...(JSON.parse(row.json) as Record<string, unknown>) };
    filled.push({ json: JSON.stringify(merged), extra: row.extra });
  }
  return filled;
}
