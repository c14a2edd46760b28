// Owns mapping PostgreSQL column types to Airbyte JSON schemas, and the SQL expression that renders a column in
// a record: PostgreSQL's own to_json for everything except bytea, which becomes base64 (Airbyte's binary form).
import { quoteIdent } from '../kit/postgres/connection.js';

export interface PgColumn {
  name: string;
  /** The type's name after resolving domains (int4, timestamptz, _text for text[] …). */
  type: string;
  /** 'b' base, 'e' enum, 'c' composite, 'r' range, 'm' multirange, 'p' pseudo. */
  kind: string;
  /** For arrays: the element type's name and kind. */
  element?: { type: string; kind: string };
  /** format_type(), for casts: `numeric(10,2)`, `character varying(20)`, `public.mood`. */
  formatted: string;
  nullable: boolean;
}

type Schema = Record<string, unknown>;

const INTEGER = new Set(['int2', 'int4', 'int8', 'oid', 'xid', 'xid8', 'cid']);
const NUMBER = new Set(['numeric', 'float4', 'float8']);

/** The JSON schema of one value of a scalar type. */
function scalarSchema(type: string, kind: string): Schema {
  if (INTEGER.has(type)) return { type: 'integer' };
  if (NUMBER.has(type)) return { type: 'number' };
  if (type === 'bool') return { type: 'boolean' };
  if (type === 'date') return { type: 'string', format: 'date' };
  if (type === 'time') return { type: 'string', format: 'time', airbyte_type: 'time_without_timezone' };
  if (type === 'timetz') return { type: 'string', format: 'time', airbyte_type: 'time_with_timezone' };
  if (type === 'timestamp') return { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' };
  if (type === 'timestamptz') return { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
  if (type === 'bytea') return { type: 'string', contentEncoding: 'base64' };
  if (type === 'json' || type === 'jsonb' || kind === 'c') return { type: ['object', 'array', 'string', 'number', 'boolean'] };
  // text, varchar, char, uuid, interval, enums, inet, money, xml, ranges … are sent as PostgreSQL prints them.
  return { type: 'string' };
}

/** The JSON schema of a column (always nullable: a NOT NULL column may still be absent from a CDC delete). */
export function columnSchema(column: PgColumn): Schema {
  if (column.element) {
    return { type: ['null', 'array'], items: withNull(scalarSchema(column.element.type, column.element.kind)) };
  }
  return withNull(scalarSchema(column.type, column.kind));
}

function withNull(schema: Schema): Schema {
  const type = schema['type'];
  return { ...schema, type: Array.isArray(type) ? ['null', ...type] : ['null', type] };
}

/** Whether a column needs an expression of its own rather than to_json of its value. */
export function needsExpression(column: PgColumn): boolean {
  return column.type === 'bytea' || column.element?.type === 'bytea';
}

/** The alias of the table being read: unlikely to be a column's name, which row_to_json(alias) would pick instead. */
export const ROW_ALIAS = '_sluice_row';

/** The expression giving a column of the table being read its value as the record wants it. */
export function columnValue(column: PgColumn, alias = ROW_ALIAS): string {
  const ref = `${alias}.${quoteIdent(column.name)}`;
  if (column.type === 'bytea') return `translate(encode(${ref}, 'base64'), E'\\n', '')`;
  if (column.element?.type === 'bytea') return `(SELECT array_agg(translate(encode(e, 'base64'), E'\\n', '')) FROM unnest(${ref}) AS e)`;
  return ref;
}

/** The select-list item that renders a column of the table being read as the record wants it. */
export function columnExpression(column: PgColumn, alias = ROW_ALIAS): string {
  return `${columnValue(column, alias)} AS ${quoteIdent(column.name)}`;
}

/** The expression producing one record's JSON text for the chosen columns of the table (aliased ROW_ALIAS). */
export function recordJson(columns: PgColumn[], allColumns: boolean): string {
  if (allColumns && !columns.some(needsExpression)) return `row_to_json(${ROW_ALIAS})::text`;
  return `(SELECT row_to_json(_sluice_rec)::text FROM (SELECT ${columns.map((column) => columnExpression(column)).join(', ')}) AS _sluice_rec)`;
}
