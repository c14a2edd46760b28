// Owns reading request bodies and query parameters: JSON (an empty body is `{}`) with a size cap, fields checked by
// type with errors that name the field, and pagination (?limit=&offset=) shared by every list.
import { SluiceError } from '../../runtime/errors.js';

/** The largest request body accepted (Fastify's bodyLimit). */
export const MAX_BODY_BYTES = 1024 * 1024;

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SluiceError('api.bad_request', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

type Kind = 'string' | 'object' | 'array' | 'boolean' | 'any';

/** The field of an object body, checked: `required` fields must be present. */
export function field<T>(body: unknown, name: string, kind: Kind, required = false): T | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SluiceError('api.bad_request', 'the request body must be a JSON object');
  const value = (body as Record<string, unknown>)[name];
  if (value === undefined) {
    if (required) throw new SluiceError('api.bad_request', `the request body needs "${name}" (${kind})`);
    return undefined;
  }
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (kind !== 'any' && actual !== kind && !(actual === 'null' && !required)) {
    throw new SluiceError('api.bad_request', `"${name}" must be ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}, not ${actual}`);
  }
  return value as T;
}

export interface Pagination {
  limit: number;
  offset: number;
}

/** The page a list was asked for; the query schema has checked the numbers and filled in the defaults. */
export function pagination(query: { limit?: number; offset?: number }): Pagination {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

/** A page of a list fetched with one extra row, to know whether another page follows. */
export function page<T>(rows: T[], { limit, offset }: Pagination): { data: T[]; pagination: { limit: number; offset: number; next: number | null } } {
  return { data: rows.slice(0, limit), pagination: { limit, offset, next: rows.length > limit ? offset + limit : null } };
}
