// Owns the filter's condition builder as data: rows of (field, operator, value) joined by "all of" (and) or "any of"
// (or), to and from a stored condition. A condition the rows cannot say (a not around a group, or/and nested) has no
// builder form: the page edits it as JSON. A value typed as 18 is the number 18, true/false/null are themselves,
// anything else is text; "18" in double quotes is the text 18. No React here.
import type { Condition, ConditionValue } from './mapper-types';

export const OPERATORS = [
  { value: 'eq', label: '=' },
  { value: 'ne', label: '≠' },
  { value: 'lt', label: '<' },
  { value: 'le', label: '≤' },
  { value: 'gt', label: '>' },
  { value: 'ge', label: '≥' },
  { value: 'in', label: 'is one of' },
  { value: 'not_in', label: 'is not one of' },
  { value: 'is_null', label: 'is empty' },
  { value: 'is_not_null', label: 'is not empty' },
] as const;

export type Operator = (typeof OPERATORS)[number]['value'];
export type Combine = 'all' | 'any';

export interface ConditionRow {
  field: string;
  operator: Operator;
  /** As typed; a list (in, not in) is comma-separated. */
  value: string;
}

export interface BuiltCondition {
  combine: Combine;
  rows: ConditionRow[];
}

const COMPARISONS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export const needsValue = (operator: Operator): boolean => operator !== 'is_null' && operator !== 'is_not_null';
export const isList = (operator: Operator): boolean => operator === 'in' || operator === 'not_in';

/** One typed value from its text: a number, true, false, null, "quoted text", else the text as it is (trimmed). */
export function parseValue(text: string): ConditionValue {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^".*"$/s.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as string;
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}

/** The text that parses back to `value` (text that would read as a number, boolean or null is quoted). */
export function valueText(value: ConditionValue): string {
  if (typeof value !== 'string') return String(value);
  return parseValue(value) === value && value.trim() === value ? value : JSON.stringify(value);
}

export const parseList = (text: string): ConditionValue[] => (text.trim() === '' ? [] : splitList(text).map(parseValue));

/** What the value will be compared as, for the hint beside the input. */
export function valueKind(row: ConditionRow): string {
  if (!needsValue(row.operator)) return '';
  const values = isList(row.operator) ? parseList(row.value) : [parseValue(row.value)];
  const kinds = [...new Set(values.map((value) => (value === null ? 'null' : typeof value === 'string' ? 'text' : typeof value === 'boolean' ? 'true/false' : 'number')))];
  return isList(row.operator) ? `${values.length} value${values.length === 1 ? '' : 's'}${kinds.length ? `: ${kinds.join(', ')}` : ''}` : kinds[0]!;
}

/** Why a row cannot be saved, or undefined. */
export function rowProblem(row: ConditionRow): string | undefined {
  if (row.field.trim() === '') return 'Choose a field';
  if (isList(row.operator) && parseList(row.value).length === 0) return 'Give at least one value, separated by commas';
  if ((COMPARISONS as readonly string[]).slice(2).includes(row.operator)) {
    const value = parseValue(row.value);
    if (typeof value !== 'number' && (typeof value !== 'string' || value === '')) return 'Compare with a number or a text';
  }
  return undefined;
}

export function fromBuilder(built: BuiltCondition): Condition {
  const parts = built.rows.map(rowCondition);
  if (parts.length === 1) return parts[0]!;
  return built.combine === 'all' ? { and: parts } : { or: parts };
}

/** The builder's form of a stored condition, or undefined when the rows cannot say it (edit it as JSON). */
export function toBuilder(condition: Condition): BuiltCondition | undefined {
  const single = conditionRow(condition);
  if (single) return { combine: 'all', rows: [single] };
  const [combine, parts] = 'and' in condition ? ['all' as const, condition.and] : 'or' in condition ? ['any' as const, condition.or] : [undefined, []];
  if (combine === undefined || parts.length < 2) return undefined;
  const rows = parts.map(conditionRow);
  return rows.every((row) => row !== undefined) ? { combine, rows: rows as ConditionRow[] } : undefined;
}

function rowCondition(row: ConditionRow): Condition {
  const field = row.field;
  switch (row.operator) {
    case 'is_null': return { field, is_null: true };
    case 'is_not_null': return { field, is_null: false };
    case 'in': return { field, in: parseList(row.value) };
    case 'not_in': return { not: { field, in: parseList(row.value) } };
    default: return { field, [row.operator]: parseValue(row.value) } as Condition;
  }
}

function conditionRow(condition: Condition): ConditionRow | undefined {
  if ('not' in condition) {
    const inner = condition.not;
    return 'in' in inner ? { field: inner.field, operator: 'not_in', value: listText(inner.in) } : undefined;
  }
  if ('and' in condition || 'or' in condition) return undefined;
  if ('is_null' in condition) return { field: condition.field, operator: condition.is_null ? 'is_null' : 'is_not_null', value: '' };
  if ('in' in condition) return { field: condition.field, operator: 'in', value: listText(condition.in) };
  const operator = COMPARISONS.find((name) => name in condition);
  return operator ? { field: condition.field, operator, value: valueText((condition as Record<string, ConditionValue>)[operator]!) } : undefined;
}

const listText = (values: ConditionValue[]): string =>
  values.map((value) => (typeof value === 'string' && value.includes(',') ? JSON.stringify(value) : valueText(value))).join(', ');

/** Comma-separated values; a comma inside "double quotes" belongs to the value. */
function splitList(text: string): string[] {
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      values.push(current);
      current = '';
    } else current += char;
  }
  values.push(current);
  return values.map((value) => value.trim()).filter((value) => value !== '');
}
