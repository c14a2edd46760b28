// Owns the typed columns of a final table: the PostgreSQL type for each Airbyte type in a stream's JSON schema, the
// Airbyte metadata columns every table has, and whether an existing column can still take a new schema's values.

export type ColumnType =
  | 'bigint'
  | 'numeric'
  | 'boolean'
  | 'text'
  | 'date'
  | 'time without time zone'
  | 'time with time zone'
  | 'timestamp without time zone'
  | 'timestamp with time zone'
  | 'jsonb'
  | 'bytea';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/** The columns Sluice adds to every final table, in COPY order. */
export const META_COLUMNS: readonly ColumnSpec[] = [
  { name: '_airbyte_raw_id', type: 'text' },
  { name: '_airbyte_extracted_at', type: 'timestamp with time zone' },
  { name: '_airbyte_meta', type: 'jsonb' },
  { name: '_airbyte_generation_id', type: 'bigint' },
];
export const META_DDL = `"_airbyte_raw_id" uuid NOT NULL, "_airbyte_extracted_at" timestamp with time zone NOT NULL, "_airbyte_meta" jsonb NOT NULL, "_airbyte_generation_id" bigint`;

type Schema = Record<string, unknown>;

/** The PostgreSQL type for one property's JSON schema. */
export function columnTypeOf(schema: unknown): ColumnType {
  if (typeof schema !== 'object' || schema === null) return 'jsonb';
  const s = schema as Schema;
  const declared = s['type'];
  const types = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).filter((t) => t !== 'null');
  if (types.length !== 1) {
    // oneOf/anyOf unions, several types, or no type at all: keep the JSON as it is.
    return 'jsonb';
  }
  const airbyteType = s['airbyte_type'];
  switch (types[0]) {
    case 'integer':
      return 'bigint';
    case 'number':
      return airbyteType === 'integer' ? 'bigint' : 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      if (s['contentEncoding'] === 'base64') return 'bytea';
      if (s['format'] === 'date') return 'date';
      if (s['format'] === 'time') return airbyteType === 'time_with_timezone' ? 'time with time zone' : 'time without time zone';
      if (s['format'] === 'date-time') {
        return airbyteType === 'timestamp_without_timezone' ? 'timestamp without time zone' : 'timestamp with time zone';
      }
      return 'text';
    default:
      return 'jsonb';
  }
}

/** The column holding a schemaless stream's whole record (its schema declares no properties). */
export const DATA_COLUMN = '_airbyte_data';

/**
 * The data columns of a stream, without the metadata columns: its schema's properties in order; then, as jsonb, each
 * primary key or cursor field the schema does not declare (so deduplication has them); and for a schema without
 * properties, `_airbyte_data` with the whole record.
 */
export function streamColumns(jsonSchema: unknown, keyFields: readonly string[] = []): ColumnSpec[] {
  const properties = (jsonSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const columns = Object.entries(properties)
    .filter(([name]) => !META_COLUMNS.some((meta) => meta.name === name))
    .map(([name, schema]): ColumnSpec => ({ name, type: columnTypeOf(schema) }));
  for (const name of keyFields) {
    if (!columns.some((column) => column.name === name) && !META_COLUMNS.some((meta) => meta.name === name)) columns.push({ name, type: 'jsonb' });
  }
  if (Object.keys(properties).length === 0 && !columns.some((column) => column.name === DATA_COLUMN)) columns.push({ name: DATA_COLUMN, type: 'jsonb' });
  return columns;
}

/** PostgreSQL's name for a type as information_schema prints it, mapped to ours (undefined: a type we never create). */
export function normaliseType(dataType: string): ColumnType | undefined {
  const known: Record<string, ColumnType> = {
    bigint: 'bigint',
    numeric: 'numeric',
    boolean: 'boolean',
    text: 'text',
    date: 'date',
    'time without time zone': 'time without time zone',
    'time with time zone': 'time with time zone',
    'timestamp without time zone': 'timestamp without time zone',
    'timestamp with time zone': 'timestamp with time zone',
    jsonb: 'jsonb',
    bytea: 'bytea',
    'character varying': 'text',
    integer: 'bigint',
    smallint: 'bigint',
    'double precision': 'numeric',
    real: 'numeric',
    json: 'jsonb',
  };
  return known[dataType];
}

/** Whether a column of type `existing` can store values the source now describes as `wanted`. */
export function canStore(existing: ColumnType, wanted: ColumnType): boolean {
  if (existing === wanted || existing === 'text' || existing === 'jsonb') return true;
  if (existing === 'numeric' && wanted === 'bigint') return true;
  if (existing === 'timestamp with time zone' && (wanted === 'timestamp without time zone' || wanted === 'date')) return true;
  if (existing === 'timestamp without time zone' && wanted === 'date') return true;
  return false;
}
