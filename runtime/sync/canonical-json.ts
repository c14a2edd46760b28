// Owns comparing JSON values regardless of key order: a destination may re-serialise the state it echoes.
// Exact numbers (protocol/exact-json.ts) compare by their digits, or, `approximate`, by the double nearest to them,
// for a destination that echoes a state through a JSON parser that rounds.
import { isExactNumber } from '../../protocol/exact-json.js';

export function canonicalJson(value: unknown, approximate = false): string {
  if (isExactNumber(value)) return approximate ? JSON.stringify(value.approximate) ?? 'null' : value.value;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, approximate)).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], approximate)}`);
  return `{${entries.join(',')}}`;
}
