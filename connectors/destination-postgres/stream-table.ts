// Owns one stream's table (placed by table-names.ts): creating it or evolving it to the stream's schema (new columns
// added, incompatible type changes refused naming stream and column, a column widened when a number needs it),
// streaming its records in with COPY, and the mode's work — append
// straight into the final table; append_dedup through a temporary stage merged by primary key (latest cursor
// wins, CDC deletes remove the row); overwrite into a staging table swapped in once the stream is reported
// complete, which a rerun that resumes an interrupted load keeps appending to.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { ConnectorError } from '../kit/run-connector.js';
import { qualifiedName, quoteIdent } from '../kit/postgres/connection.js';
import { canStore, DATA_COLUMN, META_COLUMNS, META_DDL, normaliseType, streamColumns, type ColumnSpec, type ColumnType } from './column-types.js';
import { widerTypeFor } from './copy-values.js';
import { byteConverterFor, writeEscaped, type ByteConverter } from './copy-bytes.js';
import { CopyWriter } from './copy-writer.js';
import { RawIds } from './raw-ids.js';
import { MemberCursor, skipValueBytes, stringAtBytes, type RecordScan } from '../kit/record-bytes.js';
import type { StreamPlace } from './table-names.js';

type Mode = 'append' | 'overwrite' | 'append_dedup';
interface Column extends ColumnSpec {
  convert: ByteConverter;
}

const TAB = 9;
/** The bytes of a null cell, `\N`, after its tab. */
const NULL_CELL = Buffer.from('\t\\N', 'latin1');

let stageCounter = 0;
/** The JavaScript Date range, in milliseconds either side of 1970. */
const MAX_TIME = 8.64e15;

export class StreamTable {
  readonly label: string;
  readonly mode: Mode;
  readonly final: string;
  readonly staging: string;
  readonly primaryKey: string[];
  readonly cursor: string | undefined;
  readonly schema: string;
  readonly #tableName: string;
  /** Overwrite: undecided until the stream's first message; then a new load, or the resumption of one. */
  phase: 'undecided' | 'fresh' | 'resumed' = 'undecided';
  #columns: Column[] = [];
  #target = '';
  #copy: CopyWriter | undefined;
  #staged = false;
  #stage = '';
  readonly #meta: string;
  readonly #generation: string;
  #lastEmittedAt: number | undefined;
  #lastExtractedText = '';
  /** `\t<extracted_at>\t<meta>\t<generation>` for the current emitted_at, as bytes. */
  #rowHead: Buffer = Buffer.alloc(0);
  /** Where each column's COPY text is in the row being written (after its tab), or -1 while it is null. */
  #cellStart = new Int32Array(0);
  #cellEnd = new Int32Array(0);
  /** A row's cells, held while the row is written again in column order. */
  #scratch = Buffer.alloc(0);
  readonly #members = new MemberCursor();
  readonly #rawIds = new RawIds();
  /** Each column's key as JSON, then a colon: `"name":`. */
  #keyPrefixes: Buffer[] = [];
  #indexOf = new Map<string, number>();
  #keyIndexes: number[] | undefined;
  /** The index of the `_airbyte_data` column (a schemaless stream's whole record), or -1. */
  #dataIndex = -1;
  #reportedNoTime = false;

  constructor(
    private readonly client: pg.Client,
    readonly configured: ConfiguredAirbyteStream,
    place: StreamPlace,
    private readonly onMissingTime: (label: string) => void,
  ) {
    const { name, namespace } = configured.stream;
    this.label = namespace ? `${namespace}.${name}` : name;
    this.mode = (configured.destination_sync_mode as Mode) ?? 'append';
    if (!['append', 'overwrite', 'append_dedup'].includes(this.mode)) {
      throw new ConnectorError(`stream ${this.label}: destination-postgres does not support ${this.mode}`, 'config_error');
    }
    this.schema = place.schema;
    this.#tableName = place.table;
    this.final = qualifiedName(place.schema, place.table);
    this.staging = qualifiedName(place.schema, place.staging);
    const key = configured.primary_key ?? configured.stream.source_defined_primary_key ?? [];
    this.primaryKey = key.map((path) => path[0]!).filter(Boolean);
    const cursor = configured.cursor_field ?? configured.stream.default_cursor_field;
    this.cursor = cursor && cursor.length === 1 ? cursor[0] : undefined;
    if (this.mode === 'append_dedup' && this.primaryKey.length === 0) {
      throw new ConnectorError(`stream ${this.label}: append_dedup needs a primary key`, 'config_error');
    }
    const syncId = (configured as { sync_id?: number }).sync_id;
    this.#meta = syncId === undefined ? '{"changes":[]}' : `{"changes":[],"sync_id":${syncId}}`;
    this.#generation = String((configured as { generation_id?: number }).generation_id ?? 0);
  }

  get wanted(): ColumnSpec[] {
    return streamColumns(this.configured.stream.json_schema, [...this.primaryKey, ...(this.cursor ? [this.cursor] : [])]);
  }

  /** Before any data: the schema, and for append modes the final table (created or evolved) and its stage. */
  async prepare(): Promise<void> {
    await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`).catch(ignoreRace);
    if (this.mode === 'overwrite') return;
    this.#columns = this.#useColumns(await this.#ensureTable(this.final));
    this.#target = this.final;
    if (this.mode === 'append_dedup') {
      await this.#ensureUniqueKey();
      this.#stage = quoteIdent(`_sluice_stage_${++stageCounter}`);
      await this.client.query(`CREATE TEMP TABLE ${this.#stage} (LIKE ${this.final} INCLUDING DEFAULTS, _sluice_seq bigserial) ON COMMIT DELETE ROWS`);
      this.#target = this.#stage;
    }
  }

  /** Overwrite, inside the open transaction: start a new load, or continue the one `resumed` says was interrupted. */
  async decide(resumed: boolean): Promise<void> {
    if (resumed) {
      const { rows } = await this.client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [this.staging]);
      this.#target = rows[0].present ? this.staging : this.final;
      this.#columns = this.#useColumns(await this.#ensureTable(this.#target));
      this.phase = 'resumed';
    } else {
      await this.client.query(`DROP TABLE IF EXISTS ${this.staging}`);
      this.#columns = this.#useColumns(this.wanted.map((column) => ({ ...column, convert: byteConverterFor(column.type) })));
      await this.client.query(`CREATE TABLE ${this.staging} (${META_DDL}${this.#columns.map((c) => `, ${quoteIdent(c.name)} ${c.type}`).join('')})`);
      this.#target = this.staging;
      this.phase = 'fresh';
    }
  }

  /** Opens a COPY into this stream's target (inside the open transaction). */
  startCopy(): void {
    const names = [...META_COLUMNS, ...this.#columns].map((column) => quoteIdent(column.name)).join(', ');
    this.#copy = new CopyWriter(this.client.query(copyFrom(`COPY ${this.#target} (${names}) FROM STDIN`)));
    this.#staged = true;
  }

  /** Queues one record's row, read from its line's bytes; returns a promise only when the caller must wait for the database. */
  write(line: Buffer, record: RecordScan): Promise<void> | undefined {
    // A record without a usable emitted_at gets the time it arrived: never reuse the last one's text for it.
    if (record.emittedAt === undefined || record.emittedAt !== this.#lastEmittedAt) {
      this.#lastEmittedAt = record.emittedAt;
      this.#lastExtractedText = this.#extractedAt(record.emittedAt);
      this.#rowHead = Buffer.from(`\t${this.#lastExtractedText}\t${this.#meta}\t${this.#generation}`);
    }
    const copy = this.#copy!;
    // Escapes at most double a value's bytes; a missing column takes `\t\N`.
    const waiting = copy.startRow(37 + this.#rowHead.length + 2 * (record.dataEnd - record.dataStart) + 3 * this.#columns.length);
    let widen: { index: number; type: ColumnType } | undefined;
    try {
      widen = this.#writeRow(line, record);
    } catch (error) {
      // A line that is not JSON enough to read: its row, half written, is never sent.
      copy.dropRow();
      throw error;
    }
    if (widen === undefined) return waiting;
    // A number the column has no room for: widen the column, then write the record again.
    copy.dropRow();
    const { index, type } = widen;
    return (waiting ?? Promise.resolve()).then(() => this.#widen(index, type)).then(() => this.write(line, record));
  }

  /**
   * Writes the row: its id, the head, then each value's COPY text as the data member is read. Sources write columns
   * in the same order every time, so the cells usually land in column order as they are read; a record that does
   * not (members in another order, a column's value repeated) or that has changes to report is written again from
   * its cells. Returns the widening a value needs instead of writing it (the caller takes the row back).
   */
  #writeRow(line: Buffer, record: RecordScan): { index: number; type: ColumnType } | undefined {
    const copy = this.#copy!;
    const columns = this.#columns;
    const count = columns.length;
    const starts = this.#cellStart;
    const ends = this.#cellEnd;
    const keyPrefixes = this.#keyPrefixes;
    starts.fill(-1);
    this.#rawIds.write(copy);
    copy.bytes(this.#rowHead, 0, this.#rowHead.length);
    const cellsStart = copy.used;
    let changes: Array<Record<string, unknown>> | undefined;
    let widen: { index: number; type: ColumnType } | undefined;
    let position = 0;
    /** Columns written so far in column order (their tabs included); -1 once the order broke. */
    let written = 0;
    const members = this.#members;
    members.start(line, record.dataStart);
    // Expect the next column's key before looking the key up.
    while (members.nextKey(position < count ? keyPrefixes[position] : undefined)) {
      const valueStart = members.valueStart;
      const index = members.matched ? position : (this.#indexOf.get(stringAtBytes(line, members.keyStart, members.keyEnd)) ?? -1);
      position = index + 1;
      if (index >= 0 && index < written) written = -1;
      if (index < 0 || line[valueStart] === 110 /* null */) {
        members.valueEndsAt(skipValueBytes(line, valueStart));
        continue;
      }
      if (written >= 0) for (; written < index; written++) copy.bytes(NULL_CELL, 0, 3);
      const mark = copy.used;
      if (written >= 0) copy.byte(TAB);
      const cellStart = copy.used;
      const column = columns[index]!;
      // The converter reads the value to its end: the value's bytes are read once.
      const end = column.convert(line, valueStart, copy);
      if (end >= 0) {
        members.valueEndsAt(end);
        starts[index] = cellStart;
        ends[index] = copy.used;
        if (written >= 0) written = index + 1;
        continue;
      }
      members.valueEndsAt(~end);
      copy.used = mark;
      const value = line.toString('utf8', valueStart, ~end);
      const wider = widerTypeFor(column.type, value, 0, value.length);
      if (wider) widen ??= { index, type: wider };
      else (changes ??= []).push({ field: column.name, change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' });
    }
    if (widen) return widen;
    if (this.#dataIndex >= 0) {
      written = -1;
      starts[this.#dataIndex] = copy.used;
      writeEscaped(line, record.dataStart, members.end, copy);
      ends[this.#dataIndex] = copy.used;
    }
    if (this.#keyIndexes) {
      for (const index of this.#keyIndexes) {
        if (starts[index]! < 0) {
          throw new ConnectorError(`stream ${this.label}: a record has no value for primary key column ${columns[index]!.name}; append_dedup needs one`, 'system_error');
        }
      }
    }
    if (record.metaStart >= 0) {
      const sourceChanges = (JSON.parse(line.toString('utf8', record.metaStart, record.metaEnd)) as { changes?: Array<Record<string, unknown>> }).changes;
      if (sourceChanges && sourceChanges.length > 0) changes = [...sourceChanges, ...(changes ?? [])];
    }
    if (changes && changes.length > 0) this.#rewriteRow(cellsStart, Buffer.from(`\t${this.#lastExtractedText}\t${this.#metaWith(changes)}\t${this.#generation}`));
    else if (written < 0) this.#rewriteRow(cellsStart, this.#rowHead);
    else for (; written < count; written++) copy.bytes(NULL_CELL, 0, 3);
    copy.endRow();
    return undefined;
  }

  /** Writes the row being written again after its id: `head`, then its cells (from `cellsStart`) in column order. */
  #rewriteRow(cellsStart: number, head: Buffer): void {
    const copy = this.#copy!;
    const size = copy.used - cellsStart;
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.#scratch.length));
    const scratch = this.#scratch;
    copy.buffer.copy(scratch, 0, cellsStart, copy.used);
    copy.used = copy.rowStart + 36;
    copy.bytes(head, 0, head.length);
    for (let i = 0; i < this.#columns.length; i++) {
      const start = this.#cellStart[i]!;
      if (start < 0) copy.bytes(NULL_CELL, 0, 3);
      else {
        copy.byte(TAB);
        copy.bytes(scratch, start - cellsStart, this.#cellEnd[i]! - cellsStart);
      }
    }
  }

  /** The columns rows are written to, once known: lookups for write(). */
  #useColumns(columns: Column[]): Column[] {
    this.#cellStart = new Int32Array(columns.length);
    this.#cellEnd = new Int32Array(columns.length);
    this.#keyPrefixes = columns.map((column) => Buffer.from(`${JSON.stringify(column.name)}:`));
    this.#indexOf = new Map(columns.map((column, index) => [column.name, index]));
    this.#keyIndexes = this.mode === 'append_dedup' ? this.primaryKey.map((name) => columns.findIndex((column) => column.name === name)).filter((i) => i >= 0) : undefined;
    this.#dataIndex = columns.findIndex((column) => column.name === DATA_COLUMN);
    return columns;
  }

  /** `_airbyte_extracted_at` as COPY text: the record's emitted_at, or the time it arrived when it has none usable. */
  #extractedAt(emittedAt: number | undefined): string {
    if (emittedAt !== undefined && emittedAt >= -MAX_TIME && emittedAt <= MAX_TIME) return new Date(emittedAt).toISOString();
    if (!this.#reportedNoTime) {
      this.#reportedNoTime = true;
      this.onMissingTime(this.label);
    }
    return new Date().toISOString();
  }

  /** Ends the COPY, alters the column to `type` in every table rows go through, and opens the COPY again. */
  async #widen(index: number, type: ColumnType): Promise<void> {
    const column = this.#columns[index]!;
    await this.endCopy();
    const tables = this.#target === this.#stage ? [this.final, this.#stage] : [this.#target];
    for (const table of tables) {
      try {
        await this.client.query(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(column.name)} TYPE ${type}`);
      } catch (error) {
        throw new ConnectorError(
          `stream ${this.label}: column ${column.name} of ${table} is ${column.type} and a record holds a number only ${type} stores exactly; ` +
            `changing the column to ${type} failed (${(error as Error).message}); alter the column, then sync again`,
          'system_error',
        );
      }
    }
    column.type = type;
    column.convert = byteConverterFor(type);
    this.startCopy();
  }

  async endCopy(): Promise<void> {
    const copy = this.#copy;
    this.#copy = undefined;
    await copy?.end();
  }

  /** append_dedup, before a commit: fold the staged records into the final table. */
  async mergeStaged(): Promise<void> {
    if (this.mode !== 'append_dedup' || !this.#staged) return;
    this.#staged = false;
    const key = this.primaryKey.map(quoteIdent);
    const columns = [...META_COLUMNS, ...this.#columns].map((column) => quoteIdent(column.name));
    const cursor = this.cursor && this.#columns.some((c) => c.name === this.cursor) ? quoteIdent(this.cursor) : undefined;
    const deletes = this.#columns.some((c) => c.name === '_ab_cdc_deleted_at');
    const match = key.map((k) => `f.${k} = s.${k}`).join(' AND ');
    const newer = cursor ? ` AND (f.${cursor} IS NULL OR s.${cursor} >= f.${cursor})` : '';
    const sql = `
      WITH latest AS MATERIALIZED (
        SELECT DISTINCT ON (${key.join(', ')}) * FROM ${this.#stage}
        ORDER BY ${key.join(', ')}${cursor ? `, ${cursor} DESC NULLS LAST` : ''}, _sluice_seq DESC
      )${deletes ? `, deleted AS (DELETE FROM ${this.final} AS f USING latest AS s WHERE ${match} AND s."_ab_cdc_deleted_at" IS NOT NULL${newer} RETURNING 1)` : ''}
      INSERT INTO ${this.final} AS f (${columns.join(', ')})
      SELECT ${columns.join(', ')} FROM latest${deletes ? ` WHERE "_ab_cdc_deleted_at" IS NULL` : ''}
      ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
      ${cursor ? `WHERE f.${cursor} IS NULL OR EXCLUDED.${cursor} >= f.${cursor}` : ''}`;
    await this.client.query(sql);
    await this.client.query(`TRUNCATE ${this.#stage}`);
  }

  /** After the last commit: swap in a new overwrite load, or drop the duplicates a resumed load re-sent. */
  async finish(): Promise<void> {
    if (this.mode !== 'overwrite' || this.phase === 'undecided') return;
    if (this.phase === 'resumed' && this.primaryKey.length > 0) {
      const match = this.primaryKey.map((k) => `a.${quoteIdent(k)} = b.${quoteIdent(k)}`).join(' AND ');
      await this.client.query(`DELETE FROM ${this.#target} AS a USING ${this.#target} AS b WHERE ${match} AND a.ctid < b.ctid`);
    }
    if (this.#target === this.staging) await this.#swap();
  }

  async #swap(): Promise<void> {
    const client = this.client;
    await client.query('BEGIN');
    try {
      await client.query('SAVEPOINT swap');
      try {
        await client.query(`DROP TABLE IF EXISTS ${this.final}`);
        await client.query(`ALTER TABLE ${this.staging} RENAME TO ${quoteIdent(this.#tableName)}`);
      } catch (error) {
        if ((error as { code?: string }).code !== '2BP01') throw error;
        // Views depend on the table: keep it, and replace its rows in the same transaction instead.
        await client.query('ROLLBACK TO SAVEPOINT swap');
        const columns = await this.#ensureTable(this.final);
        const names = [...META_COLUMNS, ...columns].map((column) => quoteIdent(column.name)).join(', ');
        await client.query(`DELETE FROM ${this.final}`);
        await client.query(`INSERT INTO ${this.final} (${names}) SELECT ${names} FROM ${this.staging}`);
        await client.query(`DROP TABLE ${this.staging}`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Creates `table` for the stream's columns or brings an existing one up to them; returns the columns to write. */
  async #ensureTable(table: string): Promise<Column[]> {
    const existing = await this.#existingColumns(table);
    const wanted = this.wanted;
    if (existing === undefined) {
      await this.client.query(`CREATE TABLE IF NOT EXISTS ${table} (${META_DDL}${wanted.map((c) => `, ${quoteIdent(c.name)} ${c.type}`).join('')})`);
      return wanted.map((column) => ({ ...column, convert: byteConverterFor(column.type) }));
    }
    for (const meta of META_COLUMNS) {
      if (!existing.has(meta.name)) {
        const ddl = META_DDL.split(', ').find((part) => part.startsWith(`"${meta.name}"`))!.replace(' NOT NULL', '');
        await this.client.query(`ALTER TABLE ${table} ADD COLUMN ${ddl}`);
      }
    }
    const columns: Column[] = [];
    for (const column of wanted) {
      const dataType = existing.get(column.name);
      if (dataType === undefined) {
        await this.client.query(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(column.name)} ${column.type}`);
        columns.push({ ...column, convert: byteConverterFor(column.type) });
        continue;
      }
      const current: ColumnType | undefined = normaliseType(dataType);
      if (current !== undefined && !canStore(current, column.type)) {
        throw new ConnectorError(
          `stream ${this.label}: column ${column.name} of ${table} is ${dataType}, but the source now sends ${column.type} values; ` +
            `this type change is not compatible (alter or drop the column or the table, then sync again)`,
          'config_error',
        );
      }
      columns.push({ name: column.name, type: current ?? 'text', convert: byteConverterFor(current ?? 'text') });
    }
    return columns;
  }

  async #existingColumns(table: string): Promise<Map<string, string> | undefined> {
    const { rows } = await this.client.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type FROM pg_attribute a
       WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [table],
    );
    if (rows.length === 0) {
      const { rows: found } = await this.client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
      if (!found[0].present) return undefined;
    }
    return new Map(rows.map((row) => [row.name, row.type]));
  }

  /** A unique index on the primary key (ON CONFLICT needs one); PostgreSQL names it, so no name can collide. */
  async #ensureUniqueKey(): Promise<void> {
    const { rows } = await this.client.query(
      `SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
         AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
             = (SELECT array_agg(k ORDER BY k) FROM unnest($2::text[]) AS k)
         AND i.indnatts = cardinality($2::text[])`,
      [this.final, this.primaryKey],
    );
    if (rows.length > 0) return;
    const key = this.primaryKey.map(quoteIdent);
    // Rows appended before the stream was deduplicated: keep the last of each key so the index can be built.
    const match = key.map((k) => `a.${k} = b.${k}`).join(' AND ');
    await this.client.query(`DELETE FROM ${this.final} AS a USING ${this.final} AS b WHERE ${match} AND a.ctid < b.ctid`);
    await this.client.query(`CREATE UNIQUE INDEX ON ${this.final} (${key.join(', ')})`);
  }

  #metaWith(changes: Array<Record<string, unknown>>): string {
    return this.#meta.replace('"changes":[]', `"changes":${JSON.stringify(changes)}`).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
  }
}

function ignoreRace(error: unknown): void {
  // Two loads creating the same schema at once: the loser sees a unique violation; the schema exists either way.
  if ((error as { code?: string }).code !== '23505') throw error;
}
