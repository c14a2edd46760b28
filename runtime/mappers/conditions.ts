// Owns filter conditions: checking their shape at plan time and compiling each into a predicate over `data`.
// eq/ne/in compare strings, numbers, booleans and null (a missing field is null); lt/le/gt/ge compare numbers with
// numbers and strings with strings, and a comparison between different types is false; is_null holds for a missing
// or null field. An exact number (beyond a double) compares by its closest double. Comparing an object or an array
// is a StepFailure naming the field: the stream's on_error policy decides.
import { isExactNumber } from '../../protocol/exact-json.js';
import { describeType, fieldReader, StepFailure, type RecordData } from './compiled-step.js';
import type { SchemaShape } from './schema-shape.js';
import { isPlainObject, type StepSite } from './step-definition.js';
import { checkFieldExists } from './steps/field-checks.js';

export type Predicate = (data: RecordData) => boolean;

const COMPARISONS = ['eq', 'ne', 'in', 'lt', 'le', 'gt', 'ge', 'is_null'] as const;
type Comparison = (typeof COMPARISONS)[number];

const SHAPE = '{field, eq|ne|in|lt|le|gt|ge|is_null: value}, {and: [conditions]}, {or: [conditions]} or {not: condition}';

/** Compiles the condition at `path` (`keep`, `drop.and[1]`) of a filter step. */
export function compileCondition(site: StepSite, shape: SchemaShape, condition: unknown, path: string): Predicate {
  if (!isPlainObject(condition)) throw site.invalid(`${path} must be a condition: ${SHAPE}`);
  const keys = Object.keys(condition);
  for (const combinator of ['and', 'or'] as const) {
    if (!(combinator in condition)) continue;
    const parts = condition[combinator];
    if (keys.length !== 1 || !Array.isArray(parts) || parts.length === 0) {
      throw site.invalid(`${path}.${combinator} must be the condition's only property, a non-empty list of conditions`);
    }
    const predicates = parts.map((part, index) => compileCondition(site, shape, part, `${path}.${combinator}[${index}]`));
    return combinator === 'and' ? allOf(predicates) : anyOf(predicates);
  }
  if ('not' in condition) {
    if (keys.length !== 1) throw site.invalid(`${path}.not must be the condition's only property`);
    const inner = compileCondition(site, shape, condition['not'], `${path}.not`);
    return (data) => !inner(data);
  }
  const field = condition['field'];
  if (typeof field !== 'string' || field === '') throw site.invalid(`${path} must be a condition: ${SHAPE}`);
  const operators = keys.filter((key) => key !== 'field');
  if (operators.length !== 1 || !COMPARISONS.includes(operators[0] as Comparison)) {
    throw site.invalid(`${path} must have exactly one of eq, ne, in, lt, le, gt, ge, is_null besides field (it has: ${operators.join(', ') || 'none'})`, field);
  }
  checkFieldExists(site, shape, field);
  const operator = operators[0] as Comparison;
  return comparison(site, `${path}.${operator}`, field, operator, condition[operator]);
}

function comparison(site: StepSite, path: string, field: string, operator: Comparison, expected: unknown): Predicate {
  const read = fieldReader(field);
  if (operator === 'is_null') {
    if (typeof expected !== 'boolean') throw site.invalid(`${path} must be true or false`, field);
    return expected ? (data) => read(data) == null : (data) => read(data) != null;
  }
  const scalar = (data: RecordData): string | number | boolean | null => {
    const value = read(data);
    if (value === undefined || value === null) return null;
    if (typeof value === 'object') {
      if (isExactNumber(value)) return value.approximate;
      throw new StepFailure(field, `cannot compare ${describeType(value)} (${operator} compares strings, numbers, booleans and null)`);
    }
    return value as string | number | boolean;
  };
  if (operator === 'in') {
    if (!Array.isArray(expected) || !expected.every(isScalar)) throw site.invalid(`${path} must be a list of strings, numbers, booleans or null`, field);
    const allowed = new Set<unknown>(expected);
    return (data) => allowed.has(scalar(data));
  }
  if (operator === 'eq' || operator === 'ne') {
    if (!isScalar(expected)) throw site.invalid(`${path} must be a string, a number, a boolean or null`, field);
    return operator === 'eq' ? (data) => scalar(data) === expected : (data) => scalar(data) !== expected;
  }
  if (typeof expected !== 'number' && typeof expected !== 'string') throw site.invalid(`${path} must be a number or a string`, field);
  const type = typeof expected;
  const compare = ordered(operator, expected);
  return (data) => {
    const value = scalar(data);
    return typeof value === type && compare(value as typeof expected);
  };
}

function ordered(operator: 'lt' | 'le' | 'gt' | 'ge', expected: number | string): (value: number | string) => boolean {
  switch (operator) {
    case 'lt':
      return (value) => value < expected;
    case 'le':
      return (value) => value <= expected;
    case 'gt':
      return (value) => value > expected;
    case 'ge':
      return (value) => value >= expected;
  }
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function allOf(predicates: Predicate[]): Predicate {
  return (data) => {
    for (let i = 0; i < predicates.length; i++) if (!predicates[i]!(data)) return false;
    return true;
  };
}

function anyOf(predicates: Predicate[]): Predicate {
  return (data) => {
    for (let i = 0; i < predicates.length; i++) if (predicates[i]!(data)) return true;
    return false;
  };
}
