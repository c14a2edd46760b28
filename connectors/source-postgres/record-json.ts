// Owns rendering a streamed row as a record's data JSON. Rendering every row with the server's row_to_json costs
// the server more than the whole plain COPY of the table, so columns of the common types are read as their text
// and turned into JSON here, exactly as to_json would write them; any other column is still rendered by the
// server (to_json of the expression types.ts gives it) and spliced in as it comes.
import { quoteIdent } from '../kit/postgres/connection.js';
import { columnValue, ROW_ALIAS, type PgColumn } from './types.js';

/** Turns a column's text (never null) into its JSON text. */
type Encoder = (text: string) => string;

/** to_json writes a number as it is when it is a valid JSON number, else (NaN, Infinity) as a string. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const asNumber: Encoder = (text) => (JSON_NUMBER.test(text) ? text : JSON.stringify(text));
const asInteger: Encoder = (text) => text;
const asBoolean: Encoder = (text) => (text === 'true' ? 'true' : 'false');
const asString: Encoder = (text) => JSON.stringify(text);
const asJsonb: Encoder = (text) => text;
/** A json value keeps its text as written; a line break in it can only be white space, which a record line cannot hold. */
const asJson: Encoder = (text) => (text.indexOf('\n') === -1 && text.indexOf('\r') === -1 ? text : text.replace(/[\r\n]/g, ' '));

/** Types whose text output to_json writes as is, as a JSON string, or checked as a number (domains resolved). */
const ENCODERS: Record<string, Encoder> = {
  int2: asInteger,
  int4: asInteger,
  int8: asInteger,
  numeric: asNumber,
  float4: asNumber,
  float8: asNumber,
  bool: asBoolean,
  text: asString,
  varchar: asString,
  name: asString,
  uuid: asString,
  json: asJson,
  jsonb: asJsonb,
};

export interface RecordColumns {
  /** The select-list items, one text column per record column. */
  select: string[];
  /** `"name":` for each column, a comma before all but the first. */
  keys: string[];
  /** Each column's encoder; undefined where the server already wrote JSON. */
  encoders: Array<Encoder | undefined>;
}

export function recordColumns(columns: PgColumn[]): RecordColumns {
  const select: string[] = [];
  const encoders: Array<Encoder | undefined> = [];
  columns.forEach((column) => {
    const encoder = column.element ? undefined : ENCODERS[column.type];
    const ref = `${ROW_ALIAS}.${quoteIdent(column.name)}`;
    select.push(encoder ? `${ref}::text` : `to_json(${columnValue(column)})::text`);
    encoders.push(encoder);
  });
  return { select, keys: columns.map((column, i) => `${i === 0 ? '' : ','}${JSON.stringify(column.name)}:`), encoders };
}

/** The data object of a row whose first columns are `columns.select`; `extra` (starting with a comma, or '') is appended inside. */
export function recordData(columns: RecordColumns, row: ReadonlyArray<string | null>, extra: string): string {
  const { keys, encoders } = columns;
  let data = '{';
  for (let i = 0; i < keys.length; i++) {
    const text = row[i];
    const encode = encoders[i];
    data += keys[i]! + (text === null || text === undefined ? 'null' : encode ? encode(text) : text);
  }
  if (extra) data += keys.length === 0 ? extra.slice(1) : extra;
  return data + '}';
}
