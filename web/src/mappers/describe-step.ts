// Owns how a mapper step reads on the page, in one line a person understands: "Hash email (SHA-256, salted) → email",
// "Drop rows where age < 18". Values are shown typed: strings quoted, numbers, true/false/null bare.
import type { Condition, ConditionValue, MapperStep } from './mapper-types';

const ALGORITHMS: Record<string, string> = { sha256: 'SHA-256', sha512: 'SHA-512', md5: 'MD5' };
const SYMBOLS: Record<string, string> = { eq: '=', ne: '≠', lt: '<', le: '≤', gt: '>', ge: '≥' };

export function describeStep(step: MapperStep): string {
  switch (step.type) {
    case 'select':
      return `Keep only ${step.fields.join(', ')}`;
    case 'rename':
      return `Rename ${step.field} → ${step.to}`;
    case 'hash': {
      const target = step.target === 'new' ? `${step.field}_hashed` : step.field;
      return `Hash ${step.field} (${ALGORITHMS[step.algorithm ?? 'sha256'] ?? step.algorithm}${step.salt ? ', salted' : ''}) → ${target}`;
    }
    case 'encrypt':
      return `Encrypt ${step.field} (AES-256-GCM)`;
    case 'filter':
      return step.drop !== undefined ? `Drop rows where ${describeCondition(step.drop)}` : step.keep !== undefined ? `Keep rows where ${describeCondition(step.keep)}` : 'Filter (the condition is not complete)';
    case 'expression':
      return step.field ? `Set ${step.field} = ${step.expression}` : `Replace the record with ${step.expression}`;
  }
}

export function describeCondition(condition: Condition, nested = false): string {
  if ('and' in condition) return group(condition.and.map((part) => describeCondition(part, true)), 'and', nested);
  if ('or' in condition) return group(condition.or.map((part) => describeCondition(part, true)), 'or', nested);
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  if ('is_null' in condition) return `${condition.field} is ${condition.is_null ? '' : 'not '}empty`;
  if ('in' in condition) return `${condition.field} is one of ${condition.in.map(showValue).join(', ')}`;
  const found = Object.entries(condition).find(([key]) => key !== 'field');
  if (!found || typeof condition.field !== 'string') return JSON.stringify(condition);
  const [operator, value] = found;
  return `${condition.field} ${SYMBOLS[operator] ?? operator} ${showValue(value as ConditionValue)}`;
}

/** A value as typed: a string in quotes, so "18" and 18 differ on the page as they do in the comparison. */
export function showValue(value: ConditionValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function group(parts: string[], word: string, nested: boolean): string {
  const text = parts.join(` ${word} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}
