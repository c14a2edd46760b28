// Owns turning decoded pgoutput messages into RECORD lines, whichever way they were read (peeked from the slot in a
// batch read, or streamed over a replication connection while following): relations are remembered, the changed rows
// of the captured tables are held per table and, at `flush` (or once `chunkSize` are held), typed by PostgreSQL
// itself (json_populate_recordset) and rendered with the same expressions as the snapshot, so a row looks the same
// whichever way it came. It says whether a transaction is open; when to checkpoint is the caller's business.
import type pg from 'pg';
import type { MessageWriter } from '../../kit/message-writer.js';
import { logMessage } from '../../kit/messages.js';
import { qualifiedName, quoteIdent } from '../../kit/postgres/connection.js';
import type { PgTable } from '../discover.js';
import { recordJson, ROW_ALIAS } from '../types.js';
import type { PgOutputMessage, Relation, TupleValue } from './pgoutput.js';

const JSON_TYPES = new Set([114, 3802]);

/** What the assembler writes to: a MessageWriter, or one that also reacts when writing must wait. */
export type OutputWriter = Pick<MessageWriter, 'emit' | 'emitLine'>;

export interface AssemblerTarget {
  /** A normal (not replication) connection, used to type rows. */
  client: pg.Client;
  /** The captured tables, by `schema.name`. */
  tables: Map<string, PgTable>;
  chunkSize: number;
  out: OutputWriter;
}

interface PendingRow {
  json: string;
  extra: string;
  unchangedKey?: string[];
}

export class ChangeAssembler {
  readonly #relations = new Map<number, Relation>();
  readonly #pending = new Map<string, PendingRow[]>();
  #pendingCount = 0;
  #commitTime = '';
  /** Records written since the last `takeEmitted`. */
  #emitted = 0;
  /** Records written in all. */
  total = 0;
  /** Between a Begin and its Commit. */
  inTransaction = false;

  constructor(readonly target: AssemblerTarget) {}

  /** Changes taken (held or written) since the last `takeEmitted`. */
  get sinceTaken(): number {
    return this.#pendingCount + this.#emitted;
  }

  /** The records written since the last call; held rows are not counted until flushed. */
  takeEmitted(): number {
    const count = this.#emitted;
    this.#emitted = 0;
    return count;
  }

  /** Takes one message; `lsn` is the change's WAL position (it becomes `_ab_cdc_lsn`). */
  async add(lsn: number, message: PgOutputMessage): Promise<void> {
    switch (message.tag) {
      case 'relation':
        this.#relations.set(message.relation.id, message.relation);
        return;
      case 'begin':
        this.inTransaction = true;
        this.#commitTime = message.commitTime.toISOString();
        return;
      case 'commit':
        this.inTransaction = false;
        return;
      case 'insert':
      case 'update':
      case 'delete': {
        const relation = this.#relations.get(message.relationId);
        const id = relation && `${relation.schema}.${relation.name}`;
        if (!relation || !this.target.tables.has(id!)) return;
        const deleted = message.tag === 'delete';
        const tuple = deleted ? message.old : message.tuple;
        const row = rowOf(relation, tuple);
        const time = this.#commitTime;
        const extra = `,"_ab_cdc_lsn":${lsn},"_ab_cdc_updated_at":"${time}","_ab_cdc_deleted_at":${deleted ? `"${time}"` : 'null'}`;
        let list = this.#pending.get(id!);
        if (!list) this.#pending.set(id!, (list = []));
        list.push({ json: row.json, extra, ...(row.unchanged ? { unchangedKey: keyOf(relation, tuple) } : {}) });
        if (++this.#pendingCount >= this.target.chunkSize) await this.flush();
        return;
      }
      case 'truncate': {
        const names = message.relationIds.map((r) => this.#relations.get(r)?.name ?? r).join(', ');
        await this.target.out.emit(logMessage('WARN', `a TRUNCATE of ${names} was captured; CDC does not delete the destination's rows for it`));
        return;
      }
      default:
        return;
    }
  }

  /** Types and writes every held row. */
  async flush(): Promise<void> {
    for (const [id, rows] of this.#pending) {
      if (rows.length === 0) continue;
      await emitRows(this.target, this.target.tables.get(id)!, rows);
      this.#emitted += rows.length;
      this.total += rows.length;
    }
    this.#pending.clear();
    this.#pendingCount = 0;
  }
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
async function emitRows(target: AssemblerTarget, table: PgTable, rows: PendingRow[]): Promise<void> {
  const { client, out } = target;
  const all = await fillUnchanged(client, table, rows);
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
async function fillUnchanged(client: pg.Client, table: PgTable, rows: PendingRow[]): Promise<PendingRow[]> {
  if (!rows.some((row) => row.unchangedKey) || table.primaryKey.length === 0) return rows;
  const key = table.primaryKey.map(quoteIdent);
  const filled: PendingRow[] = [];
  for (const row of rows) {
    if (!row.unchangedKey) {
      filled.push(row);
      continue;
    }
    // Merged in PostgreSQL, as JSON text: a number in the row (a big integer in a jsonb, a numeric's digits) never
    // passes through a JavaScript double. The change's own values win over the table's.
    const changed = `$${key.length + 1}::json`;
    const { rows: current } = await client.query<[string]>({
      text: `SELECT (SELECT json_object_agg(m.key, m.value) FROM (
          SELECT key, value FROM json_each(to_json(t)) WHERE key NOT IN (SELECT json_object_keys(${changed}))
          UNION ALL SELECT key, value FROM json_each(${changed})) AS m)::text
        FROM ${qualifiedName(table.schema, table.name)} AS t WHERE (${key.join(', ')}) = (${key.map((_, i) => `$${i + 1}`).join(', ')})`,
      values: [...row.unchangedKey, row.json],
      rowMode: 'array',
    });
    filled.push({ json: current[0]?.[0] ?? row.json, extra: row.extra });
  }
  return filled;
}
