// Owns one stream's CSV file and its destination sync mode:
// - overwrite: records go to `<file>.incoming`, renamed over the file at finish;
// - append: records are appended, the header written only when the file is new (a header that lacks some of the
//   schema's properties is widened first, old rows getting empty cells);
// - append_dedup: appended like append, then compacted at finish to one row per primary key (greatest cursor,
//   later row on a tie).
// commit() writes and fsyncs what is buffered (every byte, or the sync fails), then records the committed length
// (see CommittedLength). Numbers are written as the source wrote them: a value a double cannot hold keeps its text.
import { randomUUID } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { formatCsvRecord } from '../kit/csv.js';
import type { DestinationRecord } from '../kit/input-records.js';
import { DataFields } from '../kit/data-fields.js';
import { OutputBuffer } from '../kit/output-buffer.js';
import { writeFully } from '../kit/write-fully.js';
import { ConnectorError } from '../kit/run-connector.js';
import { CommittedLength, csvRecords, readHeader, rewriteFile, syncDirectory } from './csv-files.js';
import { dedupeCsv } from './dedupe-csv.js';

export const RAW_ID = '_airbyte_raw_id';
export const EXTRACTED_AT = '_airbyte_extracted_at';
/** The one column of a stream whose schema names no properties: the whole record as JSON. */
export const DATA = '_airbyte_data';

const BUFFER_BYTES = 1 << 20;

export class CsvStreamFile {
  readonly mode: string;
  readonly writePath: string;
  /** The header: the two Airbyte columns, then the record fields. */
  columns: string[];
  #fields: string[];
  readonly #schemaFields: Set<string>;
  readonly #committed: CommittedLength;
  readonly #warned = new Set<string>();
  #handle: FileHandle | undefined;
  readonly #pending = new OutputBuffer();
  /** Reads the columns from each record's data text; made at the first record, once the header is settled. */
  #data: DataFields | undefined;
  /** Header columns that are not schema properties (appending to an older file): a record holding one gets a warning. */
  #outsideSchema: number[] = [];
  /** The last emitted_at written and its ISO text: a source's records mostly share one. */
  #extractedAt = Number.NaN;
  #extractedAtText = '';
  #length = 0;
  #dirty = false;

  constructor(
    readonly path: string,
    readonly configured: ConfiguredAirbyteStream,
    readonly delimiter: string,
    readonly warn: (message: string) => void,
  ) {
    this.mode = configured.destination_sync_mode ?? 'append';
    this.writePath = this.mode === 'overwrite' ? `${path}.incoming` : path;
    const properties = (configured.stream.json_schema as { properties?: Record<string, unknown> }).properties ?? {};
    this.#fields = Object.keys(properties).filter((field) => field !== RAW_ID && field !== EXTRACTED_AT);
    if (this.#fields.length === 0) this.#fields = [DATA];
    this.#schemaFields = new Set(this.#fields);
    this.columns = [RAW_ID, EXTRACTED_AT, ...this.#fields];
    this.#committed = new CommittedLength(path);
  }

  async open(): Promise<void> {
    if (this.mode === 'overwrite') {
      this.#handle = await open(this.writePath, 'w', 0o644);
      this.#add(formatCsvRecord(this.columns, this.delimiter));
      return;
    }
    await this.#committed.recover();
    const existing = (await stat(this.path).catch(() => undefined))?.size ?? 0;
    if (existing > 0) await this.#adoptHeader();
    this.#handle = await open(this.path, existing > 0 ? 'a' : 'w', 0o644);
    this.#length = (await this.#handle.stat()).size;
    await this.#committed.record(this.#length);
    if (this.#length === 0) this.#add(formatCsvRecord(this.columns, this.delimiter));
    if (this.mode === 'append_dedup') this.#dedupeColumns(); // fails early on a key missing from the header
  }

  async append(records: DestinationRecord[]): Promise<void> {
    const fields = this.#fields;
    const data = (this.#data ??= this.#dataFields());
    const wholeRecord = fields.indexOf(DATA);
    const values: unknown[] = new Array(2 + fields.length);
    for (const record of records) {
      // Values come from the data's text, never parsed whole: a number keeps the text JSON.parse and String (or,
      // past a double, the exact reader) would give it, a nested value is written as JSON.stringify writes it.
      const longNumbers = () => record.longNumbers;
      if (wholeRecord < 0 || fields.length > 1 || this.#outsideSchema.length > 0) data.scan(record.dataJson);
      values[0] = randomUUID();
      values[1] = this.#isoTime(record.emitted_at);
      for (let i = 0; i < fields.length; i++) {
        if (i === wholeRecord) {
          values[2 + i] = record.dataJson;
          continue;
        }
        switch (data.kind(i)) {
          case 'string':
            values[2 + i] = data.string(i);
            break;
          case 'number':
            values[2 + i] = data.numberText(i, longNumbers);
            break;
          case 'true':
            values[2 + i] = 'true';
            break;
          case 'false':
            values[2 + i] = 'false';
            break;
          case 'object':
          case 'array':
            values[2 + i] = data.json(i, record.longNumbers);
            break;
          default:
            values[2 + i] = null;
        }
      }
      for (const i of this.#outsideSchema) if (data.starts[i]! >= 0) this.#unknownField(fields[i]!);
      this.#pending.append(formatCsvRecord(values, this.delimiter));
      if (this.#pending.length >= BUFFER_BYTES) await this.#write();
    }
  }

  #dataFields(): DataFields {
    const fields = this.#fields;
    // A stream whose one column is the whole record reads nothing from it and warns of nothing.
    if (this.#schemaFields.has(DATA)) return new DataFields(fields);
    this.#outsideSchema = fields.flatMap((field, i) => (this.#schemaFields.has(field) ? [] : [i]));
    return new DataFields(fields, (field) => {
      if (!this.#schemaFields.has(field)) this.#unknownField(field);
    });
  }

  #isoTime(ms: number): string {
    if (ms !== this.#extractedAt) {
      this.#extractedAtText = new Date(ms).toISOString();
      this.#extractedAt = ms;
    }
    return this.#extractedAtText;
  }

  /** Makes every appended record durable, then records the new committed length. */
  async commit(): Promise<void> {
    await this.#write();
    if (!this.#dirty) return;
    await this.#handle!.sync();
    this.#dirty = false;
    if (this.mode !== 'overwrite') await this.#committed.record(this.#length);
  }

  /** The end of a sync; an overwrite that did not complete leaves the old file in place. */
  async finish(complete: boolean): Promise<void> {
    if (this.mode === 'overwrite' && !complete) return this.abort();
    await this.commit();
    await this.#handle?.close();
    this.#handle = undefined;
    if (this.mode === 'overwrite') {
      await rename(this.writePath, this.path);
      await syncDirectory(dirname(this.path));
      return;
    }
    if (this.mode === 'append_dedup') {
      const { keys, cursor } = this.#dedupeColumns();
      await dedupeCsv(this.path, this.delimiter, keys, cursor);
    }
    await this.#committed.remove();
  }

  /** The sync failed: drop what was not committed. */
  async abort(): Promise<void> {
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    if (this.mode === 'overwrite') {
      await rm(this.writePath, { force: true });
      return;
    }
    await this.#committed.recover();
    await this.#committed.remove();
  }

  #add(line: string): void {
    this.#pending.append(line);
  }

  async #write(): Promise<void> {
    if (this.#pending.length === 0) return;
    this.#dirty = true;
    this.#length += await writeFully(this.#handle!, this.writePath, this.#pending.take());
  }

  /** Appending to an existing file: write in its column order, widening its header with new properties first. */
  async #adoptHeader(): Promise<void> {
    const header = (await readHeader(this.path, this.delimiter)) ?? [];
    const added = this.columns.filter((column) => !header.includes(column));
    if (added.length > 0) {
      const width = header.length + added.length;
      const widened = [...header, ...added];
      await rewriteFile(this.path, async function* (this: CsvStreamFile) {
        let first = true;
        for await (const record of csvRecords(this.path, this.delimiter)) {
          if (first) {
            first = false;
            yield formatCsvRecord(widened, this.delimiter);
          } else yield formatCsvRecord([...record, ...new Array(width - record.length).fill(null)], this.delimiter);
        }
      }.bind(this));
      this.columns = widened;
    } else this.columns = header;
    if (this.columns[0] !== RAW_ID || this.columns[1] !== EXTRACTED_AT) {
      throw new ConnectorError(`${this.path} does not start with the columns ${RAW_ID},${EXTRACTED_AT}: it was not written by destination-csv`, 'config_error');
    }
    this.#fields = this.columns.slice(2);
  }

  /** The columns holding the primary key and the cursor, each with the path inside it for a nested field. */
  #dedupeColumns(): { keys: Array<{ index: number; path: string[] }>; cursor?: { index: number; path: string[]; numeric: boolean } } {
    const name = describeStream(this.configured.stream);
    const keyPaths = this.configured.primary_key ?? this.configured.stream.source_defined_primary_key ?? [];
    if (keyPaths.length === 0) throw new ConnectorError(`stream ${name} uses append_dedup but has no primary key`, 'config_error');
    const locate = (path: string[]) => ({ index: this.columns.indexOf(path[0]!), path: path.slice(1) });
    const keys = keyPaths.map((path) => {
      const key = locate(path);
      if (key.index < 2) throw new ConnectorError(`stream ${name}: primary key ${path.join('.')} is not a column of ${this.path}`, 'config_error');
      return key;
    });
    const cursorPath = this.configured.cursor_field ?? this.configured.stream.default_cursor_field ?? [];
    if (cursorPath.length === 0) return { keys };
    const cursor = locate(cursorPath);
    if (cursor.index < 2) return { keys };
    return { keys, cursor: { ...cursor, numeric: isNumeric(this.configured.stream.json_schema, cursorPath) } };
  }

  #unknownField(field: string): void {
    if (this.#warned.has(field)) return;
    this.#warned.add(field);
    this.warn(`stream ${describeStream(this.configured.stream)}: field ${field} is not in the stream's schema and is not written`);
  }
}

/** Whether the schema types a field as integer or number, so its CSV text is compared as a number. */
function isNumeric(schema: unknown, path: string[]): boolean {
  let node = schema as { properties?: Record<string, unknown>; type?: unknown } | undefined;
  for (const key of path) node = node?.properties?.[key] as typeof node;
  const types = Array.isArray(node?.type) ? node!.type : [node?.type];
  return types.some((type) => type === 'integer' || type === 'number');
}

