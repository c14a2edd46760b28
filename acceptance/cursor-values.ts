// Owns cursor values as the incremental suite sees them: reading one by path, ordering two of them by type
// (numbers numerically, timestamps by instant, other strings lexicographically), and the value "far in the
// future" for a cursor of a given type.
import { typesOf } from './json-schema.js';
import { stringifyExactJson } from '../protocol/exact-json.js';

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
  const left = asNumber(a);
  const right = asNumber(b);
  if (left !== undefined && right !== undefined) return Math.sign(left - right);
  if (typeof a !== 'string' || typeof b !== 'string') return undefined;
  if (TIMESTAMP.test(a) && TIMESTAMP.test(b)) {
    const difference = Date.parse(a) - Date.parse(b);
    if (!Number.isNaN(difference) && difference !== 0) return Math.sign(difference);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A number, or a string holding one (some sources keep numeric cursors as strings in their state). */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export const FUTURE_TIMESTAMP = '9999-12-31T23:59:59Z';
export const FUTURE_DATE = '9999-12-31';

/**
 * A cursor value later than any real one, of the type the stream's schema gives the cursor field (or, when
 * the schema says nothing, the type of a value seen in a record).
 */
export function futureCursorValue(fieldSchema: object | undefined, seen: unknown): number | string {
  const types = typesOf(fieldSchema);
  const format = (fieldSchema as { format?: unknown } | undefined)?.format;
  if (types.includes('integer') || types.includes('number')) return Number.MAX_SAFE_INTEGER;
  if (types.includes('string')) return format === 'date' ? FUTURE_DATE : FUTURE_TIMESTAMP;
  if (typeof seen === 'number') return Number.MAX_SAFE_INTEGER;
  if (typeof seen === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(seen)) return FUTURE_DATE;
  return FUTURE_TIMESTAMP;
}

/** A value for a one-line detail. */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? value : stringifyExactJson(value) ?? 'undefined';
}
