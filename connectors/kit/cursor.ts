// Owns cursor values: reading one from a record by path, and ordering two of them (numbers by value, anything
// else by its string form, which orders ISO-8601 timestamps correctly). A number parsed exactly (a LosslessNumber,
// see exact-json.ts) is ordered by its exact value.
import { compareNumberText, isLosslessNumber } from './exact-json.js';

export function valueAtPath(data: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Negative when a < b, 0 when equal, positive when a > b; a missing value sorts first. */
export function compareCursors(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if ((typeof a === 'number' || isLosslessNumber(a)) && (typeof b === 'number' || isLosslessNumber(b))) return compareNumberText(String(a), String(b));
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function toPath(field: string | readonly string[] | undefined): string[] | undefined {
  if (field === undefined) return undefined;
  return typeof field === 'string' ? field.split('.') : [...field];
}
