// Shared by the mapper unit tests: a configured catalog with a `users` stream (primary key id, incremental on
// updated_at) and an `events` stream whose schema lists no fields, and helpers to map one RECORD line.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../../protocol/types.generated.js';
import { planMappers } from '../../../runtime/mappers/plan.js';
import { classifyLine } from '../../../protocol/envelope.js';
import type { StreamMapper } from '../../../runtime/mappers/stream-mapper.js';
import { DROPPED, type MappersDefinition, type StreamMappers } from '../../../runtime/mappers/types.js';

export const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
export const OTHER_KEY = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';

export function usersStream(overrides: Partial<ConfiguredAirbyteStream> = {}): ConfiguredAirbyteStream {
  return {
    stream: {
      name: 'users',
      json_schema: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          email: { type: ['null', 'string'] },
          name: { type: 'string' },
          country: { type: 'string' },
          age: { type: 'integer' },
          address: { type: 'object' },
          updated_at: { type: 'string', format: 'date-time' },
        },
        required: ['id', 'email', 'updated_at'],
      },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['id']],
      default_cursor_field: ['updated_at'],
    },
    sync_mode: 'incremental',
    destination_sync_mode: 'append_dedup',
    cursor_field: ['updated_at'],
    primary_key: [['id']],
    ...overrides,
  };
}

export function eventsStream(): ConfiguredAirbyteStream {
  return {
    stream: { name: 'events', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] },
    sync_mode: 'full_refresh',
    destination_sync_mode: 'append',
  };
}

export function catalog(...streams: ConfiguredAirbyteStream[]): ConfiguredAirbyteCatalog {
  return { streams: streams.length > 0 ? streams : [usersStream(), eventsStream()] };
}

/** The mapper of `users` (or `stream`) for these steps. */
export function mapperFor(mappers: StreamMappers, stream = 'users'): StreamMapper {
  const definition: MappersDefinition = { [stream]: mappers };
  const mapper = planMappers(catalog(), definition).forStream(stream);
  if (!mapper) throw new Error(`no mapper planned for ${stream}`);
  return mapper;
}

/** A RECORD line of `users` (or `stream`) around `data` (JSON text, so numbers can carry every digit). */
export function recordLine(data: string, stream = 'users'): string {
  return `{"type":"RECORD","record":{"stream":"${stream}","data":${data},"emitted_at":1700000000000}}`;
}

/** Maps one line given as text (placed inside a larger buffer, so start/end are honoured): the new line as text, or DROPPED. */
export async function mapLine(mapper: StreamMapper, line: string, recordNumber = 1): Promise<string | typeof DROPPED> {
  const buffer = Buffer.from(`garbage before\n${line}\ngarbage after`);
  const start = 'garbage before\n'.length;
  const result = await mapper.map(buffer, start, start + Buffer.byteLength(line), recordNumber);
  return result === DROPPED ? DROPPED : result.toString('utf8');
}

/** As mapLine, with the facts the relay's check of the line gives (only the data is parsed then). */
export async function mapLineWithFacts(mapper: StreamMapper, line: string, recordNumber = 1): Promise<string | typeof DROPPED> {
  const buffer = Buffer.from(`garbage before\n${line}\ngarbage after`);
  const start = 'garbage before\n'.length;
  const end = start + Buffer.byteLength(line);
  const kind = classifyLine(buffer, start, end);
  if (kind.kind !== 'record') throw new Error(`not a fast-path RECORD line: ${JSON.stringify(kind)}`);
  const result = await mapper.map(buffer, start, end, recordNumber, kind);
  return result === DROPPED ? DROPPED : result.toString('utf8');
}

/** Maps `data` (an object, or JSON text) and returns the mapped record's data, or DROPPED. */
export async function mapData(mapper: StreamMapper, data: object | string, recordNumber = 1): Promise<Record<string, unknown> | typeof DROPPED> {
  const mapped = await mapLine(mapper, recordLine(typeof data === 'string' ? data : JSON.stringify(data)), recordNumber);
  return mapped === DROPPED ? DROPPED : (JSON.parse(mapped) as { record: { data: Record<string, unknown> } }).record.data;
}
