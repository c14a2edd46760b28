// Owns the columns of a stream's table: one per top-level property of the stream's JSON schema, typed
// (integer → INTEGER, number → REAL, boolean → INTEGER 0/1, string of any format → TEXT, object/array → TEXT JSON,
// anything else or a union of types → TEXT), after the three Airbyte columns; and turning a value into what is bound.
// Numbers keep every digit: an integer that fits 64 bits is bound as a BigInt (stored INTEGER, exactly); any number a
// REAL or an INTEGER cannot hold exactly (parsed as a LosslessNumber) is stored as its exact text, in a BLOB when
// the column is INTEGER or REAL (SQLite would turn text that looks like a number into a rounded REAL; a BLOB is
// never converted; `CAST(x AS TEXT)` reads it back as text), and as TEXT in a TEXT column.
import { isPlainInteger, type DataFields } from '../kit/data-fields.js';

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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value bound for field `i` of the data last scanned: booleans as 0/1, objects and arrays as JSON text (as
 * JSON.stringify writes them), numbers as text in TEXT columns; read from the data's text (kit/data-fields.ts), so a
 * number a double cannot hold (when the record may hold one: `longNumbers`) never becomes a double.
 */
export function sqlValue(fields: DataFields, i: number, kind: ColumnKind, longNumbers: () => boolean): unknown {
  const valueKind = fields.kind(i);
  if (valueKind === 'missing' || valueKind === 'null') return null;
  if (kind === 'json') {
    if (valueKind === 'object' || valueKind === 'array') return fields.json(i, longNumbers());
    if (valueKind === 'string') {
      // Text without an escape is already what JSON.stringify writes for it.
      const raw = fields.raw(i);
      return raw.indexOf('\\') === -1 ? raw : JSON.stringify(fields.string(i));
    }
    if (valueKind === 'number') return fields.numberText(i, longNumbers);
    return valueKind;
  }
  switch (valueKind) {
    case 'string':
      return fields.string(i);
    case 'number': {
      const raw = fields.raw(i);
      if (isPlainInteger(raw)) return kind === 'text' ? raw : Number(raw);
      const value = fields.number(i, longNumbers());
      if (typeof value === 'string') return exactNumber(value, kind);
      return kind === 'text' ? String(value) : value;
    }
    case 'true':
      return kind === 'text' ? 'true' : 1;
    case 'false':
      return kind === 'text' ? 'false' : 0;
    default:
      return fields.json(i, longNumbers());
  }
}

/** A number a double cannot hold, given as its JSON text. */
function exactNumber(text: string, kind: ColumnKind): unknown {
  if (kind === 'text') return text;
  if (kind === 'integer' && /^-?\d+$/.test(text)) {
    const integer = BigInt(text);
    if (integer >= INT64_MIN && integer <= INT64_MAX) return integer;
  }
  return Buffer.from(text, 'utf8');
}
