// Owns reading request bodies and query parameters: JSON with a size cap, fields checked by type with errors
// that name the field, and pagination (?limit=&offset=) shared by every list.
import type { IncomingMessage } from 'node:http';
import { SluiceError } from '../../runtime/errors.js';

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SluiceError('api.bad_request', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

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

export function pagination(query: URLSearchParams): Pagination {
  const limit = query.get('limit') === null ? 50 : Number(query.get('limit'));
  const offset = query.get('offset') === null ? 0 : Number(query.get('offset'));
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new SluiceError('api.bad_request', `limit ${query.get('limit')}: expected an integer from 1 to 500`);
  if (!Number.isInteger(offset) || offset < 0) throw new SluiceError('api.bad_request', `offset ${query.get('offset')}: expected an integer of 0 or more`);
  return { limit, offset };
}

/** A page of a list fetched with one extra row, to know whether another page follows. */
export function page<T>(rows: T[], { limit, offset }: Pagination): { data: T[]; pagination: { limit: number; offset: number; next: number | null } } {
  return { data: rows.slice(0, limit), pagination: { limit, offset, next: rows.length > limit ? offset + limit : null } };
}
