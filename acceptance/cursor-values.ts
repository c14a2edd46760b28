// Owns cursor values as the incremental suite sees them: reading one by path, ordering two of them by type
// (numbers numerically and exactly, timestamps by instant, other strings lexicographically), and the value "far in the
// future" for a cursor of a given type.
import { typesOf } from './json-schema.js';
import { ExactNumber, isExactNumber, stringifyExactJson } from '../protocol/exact-json.js';

export function valueAtPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Sets `path` in a plain object tree, creating objects on the way. */
export function setAtPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let current = target;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Negative when a < b, 0 when equal, positive when a > b; undefined when the two cannot be ordered. */
export function compareCursorValues(a: unknown, b: unknown): number | undefined {
  const left = asDecimal(a);
  const right = asDecimal(b);
  if (left !== undefined && right !== undefined) return compareDecimals(left, right);
  if (typeof a !== 'string' || typeof b !== 'string') return undefined;
  if (TIMESTAMP.test(a) && TIMESTAMP.test(b)) {
    const difference = Date.parse(a) - Date.parse(b);
    if (!Number.isNaN(difference) && difference !== 0) return Math.sign(difference);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A number exactly as digits × 10^exponent: never through a double, so 64-bit cursors keep every digit. */
interface Decimal {
  digits: bigint;
  exponent: number;
}

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A number, an ExactNumber, or a string holding one (some sources keep numeric cursors as strings in their state). */
function asDecimal(value: unknown): Decimal | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (isExactNumber(value)) text = value.value;
  else if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) text = value.trim();
  else return undefined;
  const match = NUMBER_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  return { digits, exponent: Number(exponent) - fraction.length };
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const shift = a.exponent - b.exponent;
  // Beyond this the scaled integers would be absurdly large; the doubles then order the two well enough.
  if (Math.abs(shift) > 1000) return Math.sign(Number(`${a.digits}e${a.exponent}`) - Number(`${b.digits}e${b.exponent}`));
  const left = shift > 0 ? a.digits * 10n ** BigInt(shift) : a.digits;
  const right = shift < 0 ? b.digits * 10n ** BigInt(-shift) : b.digits;
  return left < right ? -1 : left > right ? 1 : 0;
}

export const FUTURE_TIMESTAMP = '9999-12-31T23:59:59Z';
export const FUTURE_DATE = '9999-12-31';
const INT64_MAX = '9223372036854775807';

/**
 * A cursor value later than any real one, of the type the stream's schema gives the cursor field (or, when
 * the schema says nothing, the type of a value seen in a record). A number is 2^53-1 unless the greatest value
 * seen reaches it: then 2^63-1 (still a 64-bit integer), or past that ten times the value seen, as exact digits.
 */
export function futureCursorValue(fieldSchema: object | undefined, seen: unknown): number | string | ExactNumber {
  const types = typesOf(fieldSchema);
  const format = (fieldSchema as { format?: unknown } | undefined)?.format;
  if (types.includes('integer') || types.includes('number')) return futureNumber(seen);
  if (types.includes('string')) return format === 'date' ? FUTURE_DATE : FUTURE_TIMESTAMP;
  if (typeof seen === 'number' || isExactNumber(seen)) return futureNumber(seen);
  if (typeof seen === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(seen)) return FUTURE_DATE;
  return FUTURE_TIMESTAMP;
}

function futureNumber(seen: unknown): number | ExactNumber {
  const value = asDecimal(seen);
  if (value === undefined || compareCursorValues(seen, Number.MAX_SAFE_INTEGER)! < 0) return Number.MAX_SAFE_INTEGER;
  if (compareCursorValues(seen, new ExactNumber(INT64_MAX))! < 0) return new ExactNumber(INT64_MAX);
  const whole = value.exponent >= 0 ? value.digits * 10n ** BigInt(value.exponent) : value.digits / 10n ** BigInt(-value.exponent);
  return new ExactNumber(`${whole * 10n}`);
}

/** A value for a one-line detail. */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? value : stringifyExactJson(value) ?? 'undefined';
}
