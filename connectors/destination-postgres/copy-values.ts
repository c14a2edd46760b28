// Owns turning one JSON value, as its text in the input line, into COPY text for a column of a given type: escapes
// for tab, newline, carriage return and backslash, numbers copied digit for digit, and a check that the value fits.
// A number a column has no room for names the wider type that holds it exactly (bigint → numeric → text, and jsonb →
// text for an object holding a number beyond numeric's range, which jsonb stores its numbers as), so the
// caller can widen the column; any other value that does not fit is stored as null and reported in
// `_airbyte_meta.changes` (DESTINATION_TYPECAST_ERROR) instead of failing the whole batch.
import type { ColumnType } from './column-types.js';
import { parse } from 'lossless-json';
import { stringAt } from '../kit/record-scan.js';

/** The COPY text of the JSON value `s[start, end)` (never null), or undefined when the column cannot store it. */
export type Converter = (s: string, start: number, end: number) => string | undefined;

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
/** PostgreSQL's numeric: at most this many digits before the decimal point, and after it. */
const NUMERIC_INTEGER_DIGITS = 131072;
const NUMERIC_FRACTION_DIGITS = 16383;

/** Whether the number text (NUMBER_TEXT) is within numeric's range; cheap unless it has an exponent or is huge. */
export function fitsNumeric(text: string): boolean {
  // The shortest numbers beyond the range are 8 characters long (1e131072, 1e-16384).
  if (text.length < 8) return true;
  const e = text.indexOf('e') + text.indexOf('E') + 1;
  if (e < 0 && text.length <= NUMERIC_FRACTION_DIGITS) return true;
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const digits = mantissa.replace(/^[-+]?0*/, '');
  const point = digits.indexOf('.');
  const integerDigits = (point < 0 ? digits.length : point) + exponent;
  const fractionDigits = (point < 0 ? 0 : digits.length - point - 1) - exponent;
  if (/^[.0]*$/.test(digits)) return true;
  return integerDigits <= NUMERIC_INTEGER_DIGITS && fractionDigits <= NUMERIC_FRACTION_DIGITS;
}

function integerText(text: string): string | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  if (text.length < 19) return text;
  const value = BigInt(text);
  return value > INT8_MAX || value < -INT8_MAX - 1n ? undefined : text;
}

const QUOTE = 34;

/** The text inside a JSON string value, or undefined when the value is not a string. */
function stringValue(s: string, start: number, end: number): string | undefined {
  return s.charCodeAt(start) === QUOTE ? stringAt(s, start, end) : undefined;
}

const isNumberStart = (c: number): boolean => c === 45 || (c >= 48 && c <= 57);

const toBigint: Converter = (s, start, end) => {
  if (isNumberStart(s.charCodeAt(start))) return integerText(s.slice(start, end));
  const text = stringValue(s, start, end);
  return text === undefined ? undefined : integerText(text.trim());
};

const toNumeric: Converter = (s, start, end) => {
  if (isNumberStart(s.charCodeAt(start))) {
    const number = s.slice(start, end);
    return fitsNumeric(number) ? number : undefined;
  }
  const text = stringValue(s, start, end)?.trim();
  if (text === undefined) return undefined;
  if (NUMBER_TEXT.test(text)) return fitsNumeric(text) ? text : undefined;
  return SPECIAL_NUMBER.test(text) ? text : undefined;
};

const toBoolean: Converter = (s, start, end) => {
  const c = s.charCodeAt(start);
  if (c === 116) return 't';
  if (c === 102) return 'f';
  const text = stringValue(s, start, end);
  return text === 'true' ? 't' : text === 'false' ? 'f' : undefined;
};

const isDigit = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const digitsAt = (text: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!isDigit(text, i)) return false;
  return true;
};

/** `YYYY-MM-DD`: the form sources send, accepted without a regex (DATE accepts it too). */
function isPlainDate(text: string): boolean {
  return text.length === 10 && digitsAt(text, 0, 4) && text.charCodeAt(4) === 45 && digitsAt(text, 5, 7) && text.charCodeAt(7) === 45 && digitsAt(text, 8, 10);
}

/**
 * `YYYY-MM-DDThh:mm:ss[.f…][Z|±hh[:mm]]` (T or a space): the forms sources send, accepted without a regex; TIMESTAMP
 * accepts every one of them, and still judges anything else.
 */
function isPlainTimestamp(text: string): boolean {
  const length = text.length;
  if (length < 19 || !isPlainDate(text.slice(0, 10))) return false;
  const t = text.charCodeAt(10);
  if ((t !== 84 && t !== 32) || !digitsAt(text, 11, 13) || text.charCodeAt(13) !== 58 || !digitsAt(text, 14, 16) || text.charCodeAt(16) !== 58 || !digitsAt(text, 17, 19)) {
    return false;
  }
  let i = 19;
  if (text.charCodeAt(i) === 46) {
    const first = ++i;
    while (isDigit(text, i)) i++;
    if (i === first) return false;
  }
  if (i === length) return true;
  const zone = text.charCodeAt(i);
  if (zone === 90) return i + 1 === length;
  if (zone !== 43 && zone !== 45) return false;
  if (i + 3 === length) return digitsAt(text, i + 1, i + 3);
  return i + 6 === length && digitsAt(text, i + 1, i + 3) && text.charCodeAt(i + 3) === 58 && digitsAt(text, i + 4, i + 6);
}

/** A string column checked by `pattern`, after `plain` (a cheap test of the usual form, a subset of the pattern's). */
const matching =
  (pattern: RegExp, plain: (text: string) => boolean = () => false): Converter =>
  (s, start, end) => {
    const text = stringValue(s, start, end);
    return text !== undefined && (plain(text) || pattern.test(text) || INFINITY.test(text)) ? escapeCopy(text) : undefined;
  };

const toText: Converter = (s, start, end) => {
  const c = s.charCodeAt(start);
  if (c !== QUOTE) return escapeCopy(s.slice(start, end));
  const inner = s.slice(start + 1, end - 1);
  // A JSON string without escapes holds no tab, newline, carriage return or backslash: it is COPY text as it is.
  return inner.indexOf('\\') === -1 ? inner : escapeCopy(JSON.parse(s.slice(start, end)) as string);
};

/** A digit, then an exponent of 5 digits or more: the only numbers that may be beyond numeric's range. */
const LONG_EXPONENT = /\d[eE][-+]?\d{5}/;

/** Whether every number in the JSON text fits numeric (parsed only when LONG_EXPONENT says one might not). */
export function jsonFitsNumeric(text: string): boolean {
  if (!LONG_EXPONENT.test(text)) return true;
  let fits = true;
  parse(text, null, (number: string) => {
    if (!fitsNumeric(number)) fits = false;
    return 0;
  });
  return fits;
}

const toJsonb: Converter = (s, start, end) => {
  const text = s.slice(start, end);
  return jsonFitsNumeric(text) ? escapeCopy(text) : undefined;
};

const toBytea: Converter = (s, start, end) => {
  const text = stringValue(s, start, end);
  if (text === undefined || !BASE64.test(text)) return undefined;
  return `\\\\x${Buffer.from(text, 'base64').toString('hex')}`;
};

const CONVERTERS: Record<ColumnType, Converter> = {
  bigint: toBigint,
  numeric: toNumeric,
  boolean: toBoolean,
  text: toText,
  date: matching(DATE, isPlainDate),
  'time without time zone': matching(TIME),
  'time with time zone': matching(TIME),
  'timestamp without time zone': matching(TIMESTAMP, isPlainTimestamp),
  'timestamp with time zone': matching(TIMESTAMP, isPlainTimestamp),
  jsonb: toJsonb,
  bytea: toBytea,
};

/**
 * For a value `convert` refused: the wider type that stores it exactly when it is a number (or a string holding one)
 * that a bigint or numeric column has no room for, or JSON holding such a number; undefined when widening would not help.
 */
export function widerTypeFor(type: ColumnType, s: string, start: number, end: number): ColumnType | undefined {
  if (type === 'jsonb') return jsonFitsNumeric(s.slice(start, end)) ? undefined : 'text';
  if (type !== 'bigint' && type !== 'numeric') return undefined;
  const text = isNumberStart(s.charCodeAt(start)) ? s.slice(start, end) : stringValue(s, start, end)?.trim();
  if (text === undefined || !NUMBER_TEXT.test(text)) return undefined;
  return type === 'bigint' && fitsNumeric(text) ? 'numeric' : 'text';
}

export function converterFor(type: ColumnType): Converter {
  return CONVERTERS[type];
}
