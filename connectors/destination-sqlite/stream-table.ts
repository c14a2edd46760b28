// Owns one stream's table and how each destination sync mode writes it:
// - overwrite: rows go to `_sluice_tmp_<table>`, swapped in (DROP + RENAME, one transaction) only at finish, so
//   readers see the previous table until then and never an empty one;
// - append: rows are inserted into the table (created if needed; new schema properties become new columns);
// - append_dedup: rows are upserted on a unique index over the primary key; the row with the greatest cursor wins
//   and a later row wins a tie (rows already in the table are deduplicated the same way before the index is built).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import type { DestinationRecord } from '../kit/input-records.js';
import { describeStream } from '../../protocol/state.js';
import { ConnectorError } from '../kit/run-connector.js';
import { DataFields } from '../kit/data-fields.js';
import { AIRBYTE_COLUMNS, DATA_COLUMN, columnsOf, quoteIdentifier as q, sqlType, sqlValue, type Column } from './columns.js';
import { TMP_PREFIX } from './table-names.js';

const NO_CHANGES = '{"changes":[]}';
/** Rows one INSERT statement carries, within SQLite's oldest limit on a statement's parameters. */
const ROWS_PER_INSERT = 16;
const MAX_PARAMETERS = 999;

export class StreamTable {
  readonly mode: string;
  /** The table rows are written to during the sync. */
  readonly target: string;
  readonly columns: Column[];
  readonly #fields: Set<string>;
  readonly #warned = new Set<string>();
  #insert: Database.Statement | undefined;
  /** Inserts #rowsPerInsert rows at once. */
  #insertMany: Database.Statement | undefined;
  #rowsPerInsert = 1;
  #values: unknown[] | undefined;
  /** Reads the columns from each record's data text. */
  #data: DataFields | undefined;
  /** The one column holds the whole record: nothing is read from it. */
  readonly #wholeRecordOnly: boolean;

  constructor(
    readonly db: Database.Database,
    readonly configured: ConfiguredAirbyteStream,
    readonly table: string,
    readonly warn: (message: string) => void,
  ) {
    this.mode = configured.destination_sync_mode ?? 'append';
    this.target = this.mode === 'overwrite' ? `${TMP_PREFIX}${table}` : table;
    this.columns = columnsOf(configured.stream.json_schema);
    this.#fields = new Set(this.columns.map((column) => column.field));
    this.#wholeRecordOnly = this.columns.length === 1 && this.columns[0]!.field === DATA_COLUMN && this.columns[0]!.name === DATA_COLUMN;
  }

  /** Creates or evolves the table (run inside the set-up transaction) and prepares the insert. */
  setUp(): void {
    const definitions = [
      ...AIRBYTE_COLUMNS.map((column) => `${q(column.name)} ${column.type}`),
      ...this.columns.map((column) => `${q(column.name)} ${sqlType(column.kind)}`),
    ];
    if (this.mode === 'overwrite') {
      // A side table left by a sync that never finished is stale.
      this.db.exec(`DROP TABLE IF EXISTS ${q(this.target)}`);
      this.db.exec(`CREATE TABLE ${q(this.target)} (${definitions.join(', ')})`);
    } else {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${q(this.target)} (${definitions.join(', ')})`);
      const existing = new Set(
        (this.db.prepare(`SELECT name FROM pragma_table_info(?)`).all(this.target) as Array<{ name: string }>).map((row) => row.name.toLowerCase()),
      );
      for (const column of this.columns) {
        if (!existing.has(column.name.toLowerCase())) {
          this.db.exec(`ALTER TABLE ${q(this.target)} ADD COLUMN ${q(column.name)} ${sqlType(column.kind)}`);
        }
      }
    }
    const names = [...AIRBYTE_COLUMNS.map((column) => column.name), ...this.columns.map((column) => column.name)];
    const upsert = this.mode === 'append_dedup' ? this.#upsertClause(names) : '';
    const row = `(${names.map(() => '?').join(', ')})`;
    const insert = (rows: number) => this.db.prepare(`INSERT INTO ${q(this.target)} (${names.map(q).join(', ')}) VALUES ${new Array(rows).fill(row).join(', ')}${upsert}`);
    this.#rowsPerInsert = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_PARAMETERS / names.length)));
    this.#insert = insert(1);
    this.#insertMany = this.#rowsPerInsert > 1 ? insert(this.#rowsPerInsert) : this.#insert;
  }

  insert(records: DestinationRecord[]): void {
    const columns = this.columns;
    const width = 3 + columns.length;
    const fields = (this.#data ??= this.#dataFields());
    const perInsert = this.#rowsPerInsert;
    // Rows go in groups of perInsert, one statement each (a call into SQLite per row costs a quarter of its time),
    // the rest one by one; rows of one statement are inserted (and upserted) in order, as separate ones would be.
    const many = (this.#values ??= new Array(width * perInsert));
    const one: unknown[] = new Array(width);
    const whole = records.length - (records.length % perInsert);
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      const grouped = r < whole;
      const values = grouped ? many : one;
      const at = grouped ? (r % perInsert) * width : 0;
      // Values come from the data's text, never parsed whole (see sqlValue).
      const longNumbers = () => record.longNumbers;
      if (!this.#wholeRecordOnly) fields.scan(record.dataJson);
      values[at] = randomUUID();
      values[at + 1] = record.emitted_at;
      values[at + 2] = record.metaJson ?? NO_CHANGES;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i]!;
        values[at + 3 + i] = column.field === DATA_COLUMN && column.name === DATA_COLUMN ? record.dataJson : sqlValue(fields, i, column.kind, longNumbers);
      }
      if (!grouped) this.#insert!.run(values);
      else if (at + width === values.length) this.#insertMany!.run(values);
    }
  }

  #dataFields(): DataFields {
    const names = this.columns.map((column) => column.field);
    // A table whose column holds the whole record warns of no field.
    if (this.#fields.has(DATA_COLUMN)) return new DataFields(names);
    return new DataFields(names, (field) => this.#unknownField(field));
  }

  /** The statements that end the sync: swap in an overwrite that completed, drop one that did not. */
  finishStatements(complete: boolean): string[] {
    if (this.mode !== 'overwrite') return [];
    if (!complete) return [`DROP TABLE IF EXISTS ${q(this.target)}`];
    return [`DROP TABLE IF EXISTS ${q(this.table)}`, `ALTER TABLE ${q(this.target)} RENAME TO ${q(this.table)}`];
  }

  #upsertClause(names: string[]): string {
    const name = describeStream(this.configured.stream);
    const keyPaths = this.configured.primary_key ?? this.configured.stream.source_defined_primary_key ?? [];
    if (keyPaths.length === 0) throw new ConnectorError(`stream ${name} uses append_dedup but has no primary key`, 'config_error');
    const keyColumns = keyPaths.map((path) => {
      const column = path.length === 1 ? this.columns.find((c) => c.field === path[0]) : undefined;
      if (!column) throw new ConnectorError(`stream ${name}: primary key ${path.join('.')} must be a top-level property of its schema`, 'config_error');
      return column.name;
    });
    const cursor = this.#cursorExpression();
    this.#ensureUniqueIndex(keyColumns, cursor);
    const updates = names.map((column) => `${q(column)} = excluded.${q(column)}`).join(', ');
    const when = cursor ? ` WHERE ${cursor('excluded')} >= ${cursor(q(this.target))} OR ${cursor(q(this.target))} IS NULL` : '';
    return ` ON CONFLICT (${keyColumns.map(q).join(', ')}) DO UPDATE SET ${updates}${when}`;
  }

  /** SQL reading the cursor of a row of `alias` (json_extract for a nested cursor), or undefined without a cursor. */
  #cursorExpression(): ((alias: string) => string) | undefined {
    const path = this.configured.cursor_field ?? this.configured.stream.default_cursor_field ?? [];
    if (path.length === 0) return undefined;
    const column = this.columns.find((c) => c.field === path[0]);
    if (!column) {
      this.warn(`stream ${describeStream(this.configured.stream)}: cursor ${path.join('.')} is not in its schema; the latest row per key wins`);
      return undefined;
    }
    if (path.length === 1) return (alias) => `${alias}.${q(column.name)}`;
    const jsonPath = `$${path.slice(1).map((key) => `."${key.replaceAll('"', '\\"')}"`).join('')}`.replaceAll("'", "''");
    return (alias) => `json_extract(${alias}.${q(column.name)}, '${jsonPath}')`;
  }

  #ensureUniqueIndex(keyColumns: string[], cursor: ((alias: string) => string) | undefined): void {
    const index = `${this.table}__sluice_pk`;
    const current = (this.db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as Array<{ name: string }>).map((row) => row.name);
    if (current.length === keyColumns.length && current.every((column, i) => column === keyColumns[i])) return;
    this.db.exec(`DROP INDEX IF EXISTS ${q(index)}`);
    // Rows written by append or an older key: keep one per key, the greatest cursor and then the latest written.
    const order = `${cursor ? `${cursor(q(this.target))} DESC, ` : ''}rowid DESC`;
    this.db.exec(
      `DELETE FROM ${q(this.target)} WHERE rowid IN (SELECT rowid FROM (SELECT rowid, ROW_NUMBER() OVER (PARTITION BY ${keyColumns.map(q).join(', ')} ORDER BY ${order}) AS n FROM ${q(this.target)}) WHERE n > 1)`,
    );
    this.db.exec(`CREATE UNIQUE INDEX ${q(index)} ON ${q(this.target)} (${keyColumns.map(q).join(', ')})`);
  }

  #unknownField(field: string): void {
    if (this.#warned.has(field)) return;
    this.#warned.add(field);
    this.warn(`stream ${describeStream(this.configured.stream)}: field ${field} is not in the stream's schema and is not stored`);
  }
}
