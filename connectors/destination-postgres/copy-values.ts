// Owns turning one JSON value into COPY text for a column of a given type: `\N` for null, escapes for tab, newline,
// carriage return and backslash, and a check that the value fits the type. A value that does not fit is stored as
// null and reported in `_airbyte_meta.changes` (DESTINATION_TYPECAST_ERROR) instead of failing the whole batch.
import type { ColumnType } from './column-types.js';
import { isRawNumber, stringifyLossless } from './lossless-json.js';

export const NULL_TEXT = '\\N';

/** The COPY text of a value, or undefined when it cannot be stored in the column. */
export type Converter = (value: unknown) => string | undefined;

const SPECIAL = /[\\\n\r\t]/;

export function escapeCopy(text: string): string {
  if (text.indexOf('\u0000') !== -1) text = text.replace(/\u0000/g, '');
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

const INTEGER_TEXT = /^-?\d{1,19}$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const SPECIAL_NUMBER = /^(NaN|-?Infinity)$/;
const INFINITY = /^-?infinity$/;
const DATE = /^\d{4,}-\d{2}-\d{2}( BC)?$/;
const TIMESTAMP = /^\d{4,}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s?(Z|[-+]\d{1,2}(:?\d{2}){0,2})?( BC)?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s?(Z|[-+]\d{1,2}(:?\d{2}){0,2})?$/;
const BASE64 = /^[A-Za-z0-9+/\s]*=*\s*$/;
const INT8_MAX = 9223372036854775807n;

function integerText(text: string): string | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  const value = BigInt(text);
  return value > INT8_MAX || value < -INT8_MAX - 1n ? undefined : text;
}

const toBigint: Converter = (value) => {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : undefined;
  if (isRawNumber(value)) return integerText(value.slice(1));
  if (typeof value === 'string') return integerText(value.trim());
  return undefined;
};

const toNumeric: Converter = (value) => {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (isRawNumber(value)) return value.slice(1);
  if (typeof value === 'string') {
    const text = value.trim();
    return NUMBER_TEXT.test(text) || SPECIAL_NUMBER.test(text) ? text : undefined;
  }
  return undefined;
};

const toBoolean: Converter = (value) => {
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === 'true' || value === 'false') return value === 'true' ? 't' : 'f';
  return undefined;
};

const matching =
  (pattern: RegExp): Converter =>
  (value) =>
    typeof value === 'string' && (pattern.test(value) || INFINITY.test(value)) ? value : undefined;

const toText: Converter = (value) => {
  if (typeof value === 'string') return escapeCopy(isRawNumber(value) ? value.slice(1) : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return escapeCopy(stringifyLossless(value));
};

const toJsonb: Converter = (value) => escapeCopy(stringifyLossless(value));

const toBytea: Converter = (value) => {
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined;
  return `\\\\x${Buffer.from(value, 'base64').toString('hex')}`;
};

const CONVERTERS: Record<ColumnType, Converter> = {
  bigint: toBigint,
  numeric: toNumeric,
  boolean: toBoolean,
  text: toText,
  date: matching(DATE),
  'time without time zone': matching(TIME),
  'time with time zone': matching(TIME),
  'timestamp without time zone': matching(TIMESTAMP),
  'timestamp with time zone': matching(TIMESTAMP),
  jsonb: toJsonb,
  bytea: toBytea,
};

export function converterFor(type: ColumnType): Converter {
  return CONVERTERS[type];
}
