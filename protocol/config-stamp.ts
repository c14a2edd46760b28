// Owns the stamp Sluice gives a connector whose config it has validated: a SHA-256 of the connector's
// connectionSpecification and the config, both in canonical JSON (keys sorted), passed in SLUICE_CONFIG_VALIDATED.
// The kit computes the same stamp from the spec it declares and the config file it reads; when they match it skips
// validating again (and loading the validator). A stamp for another spec or another config matches nothing.
import { createHash } from 'node:crypto';

export const CONFIG_STAMP_ENV = 'SLUICE_CONFIG_VALIDATED';

export function configStamp(connectionSpecification: unknown, config: unknown): string {
  return createHash('sha256').update(canonical(connectionSpecification)).update('\n').update(canonical(config)).digest('hex');
}

/** JSON with object keys sorted at every level, undefined members left out, as JSON.stringify would. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonical(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`);
  return `{${members.join(',')}}`;
}
