// Owns MySQL/MariaDB columns: which Airbyte type each column type maps to, and how a value (as mysql2 returns it,
// with big numbers and dates as text) is written as JSON text without losing digits or shifting dates.

export type ColumnKind = 'integer' | 'boolean' | 'decimal' | 'float' | 'date' | 'datetime' | 'timestamp' | 'time' | 'string' | 'binary' | 'json' | 'other';

export interface MysqlColumn {
  name: string;
  /** information_schema DATA_TYPE (int, varchar, datetime …) and COLUMN_TYPE (tinyint(1), bigint(20) unsigned …). */
  dataType: string;
  columnType: string;
  kind: ColumnKind;
}

const INTEGERS = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year']);
const STRINGS = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']);
const BINARIES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

export function kindOf(dataType: string, columnType: string, isJson: boolean): ColumnKind {
  const type = dataType.toLowerCase();
  if (isJson || type === 'json') return 'json';
  if (type === 'tinyint' && /^tinyint\(1\)/i.test(columnType)) return 'boolean';
  if (type === 'bit') return /^bit\(1\)$/i.test(columnType) ? 'boolean' : 'integer';
  if (type === 'bigint' && /unsigned/i.test(columnType)) return 'decimal';
  if (INTEGERS.has(type)) return 'integer';
  if (type === 'decimal' || type === 'numeric') return 'decimal';
  if (type === 'float' || type === 'double' || type === 'real') return 'float';
  if (type === 'date') return 'date';
  if (type === 'datetime') return 'datetime';
  if (type === 'timestamp') return 'timestamp';
  if (type === 'time') return 'time';
  if (STRINGS.has(type)) return 'string';
  if (BINARIES.has(type)) return 'binary';
  return 'other';
}

const SCHEMAS: Record<ColumnKind, Record<string, unknown>> = {
  integer: { type: ['null', 'integer'] },
  boolean: { type: ['null', 'boolean'] },
  decimal: { type: ['null', 'number'] },
  float: { type: ['null', 'number'] },
  date: { type: ['null', 'string'], format: 'date' },
  datetime: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
  timestamp: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  time: { type: ['null', 'string'], format: 'time', airbyte_type: 'time_without_timezone' },
  string: { type: ['null', 'string'] },
  binary: { type: ['null', 'string'], contentEncoding: 'base64' },
  json: { type: ['null', 'object', 'array', 'string', 'number', 'boolean'] },
  other: { type: ['null', 'string'] },
};

export function columnSchema(column: MysqlColumn): Record<string, unknown> {
  return { ...SCHEMAS[column.kind] };
}

const ZERO_DATE = /^0000-00-00/;

/** The JSON text of one value of a column. */
export function jsonValue(kind: ColumnKind, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (kind) {
    case 'integer':
      return Buffer.isBuffer(value) ? String(value.readUIntBE(0, Math.min(value.length, 6))) : String(value);
    case 'decimal':
      return String(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'boolean':
      return (Buffer.isBuffer(value) ? value[0] !== 0 : Number(value) !== 0) ? 'true' : 'false';
    case 'date':
      return ZERO_DATE.test(String(value)) ? 'null' : JSON.stringify(String(value));
    case 'datetime':
      return ZERO_DATE.test(String(value)) ? 'null' : JSON.stringify(String(value).replace(' ', 'T'));
    case 'timestamp':
      return ZERO_DATE.test(String(value)) ? 'null' : JSON.stringify(`${String(value).replace(' ', 'T')}+00:00`);
    case 'binary':
      return JSON.stringify(Buffer.isBuffer(value) ? value.toString('base64') : Buffer.from(String(value)).toString('base64'));
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return JSON.stringify(Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}
