// Owns the columns of a stream's table: one per top-level property of the stream's JSON schema, typed
// (integer → INTEGER, number → REAL, boolean → INTEGER 0/1, string of any format → TEXT, object/array → TEXT JSON,
// anything else or a union of types → TEXT), after the three Airbyte columns; and turning a value into what is bound.

export type ColumnKind = 'integer' | 'real' | 'boolean' | 'text' | 'json';

export interface Column {
  /** The record's field name. */
  field: string;
  /** The column's name in SQLite (the field, unless two fields differ only in case). */
  name: string;
  kind: ColumnKind;
}

export const AIRBYTE_COLUMNS = [
  { name: '_airbyte_raw_id', type: 'TEXT NOT NULL' },
  { name: '_airbyte_extracted_at', type: 'INTEGER NOT NULL' },
  { name: '_airbyte_meta', type: 'TEXT' },
] as const;

/** The column that holds whole records when the schema names no properties. */
export const DATA_COLUMN = '_airbyte_data';

const SQL_TYPES: Record<ColumnKind, string> = { integer: 'INTEGER', real: 'REAL', boolean: 'INTEGER', text: 'TEXT', json: 'TEXT' };

export const sqlType = (kind: ColumnKind): string => SQL_TYPES[kind];

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function columnsOf(schema: unknown): Column[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties || typeof properties !== 'object' || Object.keys(properties).length === 0) {
    return [{ field: DATA_COLUMN, name: DATA_COLUMN, kind: 'json' }];
  }
  // SQLite compares names without case: a second "ID" next to "id" gets a suffix.
  const taken = new Set<string>(AIRBYTE_COLUMNS.map((column) => column.name));
  const columns: Column[] = [];
  for (const [field, property] of Object.entries(properties)) {
    let name = field.replaceAll('\u0000', '_');
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${field}_${n}`;
    taken.add(name.toLowerCase());
    columns.push({ field, name, kind: kindOf(property) });
  }
  return columns;
}

function kindOf(property: unknown): ColumnKind {
  const declared = (property as { type?: unknown } | undefined)?.type;
  const types = (Array.isArray(declared) ? declared : [declared]).filter((type) => type !== 'null' && type !== undefined);
  if (types.length === 2 && types.includes('integer') && types.includes('number')) return 'real';
  if (types.length !== 1) return 'text';
  switch (types[0]) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'real';
    case 'boolean':
      return 'boolean';
    case 'object':
    case 'array':
      return 'json';
    default:
      return 'text';
  }
}

/** The value bound for a field: booleans as 0/1, objects and arrays as JSON text, numbers as text in TEXT columns. */
export function sqlValue(value: unknown, kind: ColumnKind): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'json') return JSON.stringify(value);
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return kind === 'text' ? String(value) : value;
    case 'boolean':
      return kind === 'text' ? String(value) : value ? 1 : 0;
    case 'bigint':
      return value;
    default:
      return JSON.stringify(value);
  }
}
