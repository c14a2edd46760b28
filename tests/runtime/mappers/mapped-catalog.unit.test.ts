// The destination gets a consistent stream: the configured catalog's json_schema, primary key and cursor follow the
// steps (selected, renamed, hashed, encrypted and computed fields), and streams without mappers are untouched.
import { describe, expect, it } from 'vitest';
import { planMappers } from '../../../runtime/mappers/plan.js';
import { catalog, eventsStream, KEY, usersStream } from './fixtures.js';

describe('the mapped configured catalog', () => {
  it('has the selected, renamed, hashed, encrypted and computed fields, in order, with `required` following', () => {
    const plan = planMappers(catalog(), {
      users: {
        steps: [
          { type: 'select', fields: ['id', 'email', 'name', 'address', 'updated_at'] },
          { type: 'rename', field: 'name', to: 'full_name' },
          { type: 'hash', field: 'email', target: 'new', salt: 's' },
          { type: 'encrypt', field: 'address', key: KEY },
          { type: 'expression', field: 'domain', expression: "$substringAfter(email, '@')" },
          { type: 'filter', keep: { field: 'full_name', is_null: false } },
        ],
      },
    });
    expect(plan.catalog.streams[0]!.stream.json_schema).toEqual({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        email: { type: ['null', 'string'] },
        full_name: { type: 'string' },
        address: { type: 'string' },
        updated_at: { type: 'string', format: 'date-time' },
        email_hashed: { type: ['null', 'string'] },
        domain: {},
      },
      required: ['id', 'email', 'updated_at'],
    });
    expect(Object.keys(plan.catalog.streams[0]!.stream.json_schema['properties'] as object)).toEqual(['id', 'email', 'full_name', 'address', 'updated_at', 'email_hashed', 'domain']);
  });

  it('a hash that replaces its field makes that field a string', () => {
    const plan = planMappers(catalog(), { users: { steps: [{ type: 'hash', field: 'id' }] } });
    expect((plan.catalog.streams[0]!.stream.json_schema['properties'] as Record<string, unknown>)['id']).toEqual({ type: 'string' });
  });

  it('a hashed or encrypted field stays nullable when its value may be null (null passes through them)', () => {
    const propertiesOf = (steps: unknown[], onError = 'fail') =>
      planMappers(catalog(), { users: { on_error: onError, steps } } as never).catalog.streams[0]!.stream.json_schema['properties'] as Record<string, unknown>;
    // email is ['null', 'string'], address is an object that is never null, id an integer that is never null.
    expect(propertiesOf([{ type: 'hash', field: 'email' }])['email']).toEqual({ type: ['null', 'string'] });
    expect(propertiesOf([{ type: 'encrypt', field: 'email', key: KEY }])['email']).toEqual({ type: ['null', 'string'] });
    expect(propertiesOf([{ type: 'encrypt', field: 'address', key: KEY }])['address']).toEqual({ type: 'string' });
    // Under on_error: skip a hash nulls a value it cannot hash (an object), so the hashed field may be null.
    expect(propertiesOf([{ type: 'hash', field: 'id' }], 'skip')['id']).toEqual({ type: ['null', 'string'] });
  });

  it('renames the primary key and cursor, in the configured stream and in the source-defined key and default cursor', () => {
    const plan = planMappers(catalog(), {
      users: { steps: [{ type: 'rename', field: 'id', to: 'user_id' }, { type: 'rename', field: 'updated_at', to: 'modified' }] },
    });
    const users = plan.catalog.streams[0]!;
    expect(users.primary_key).toEqual([['user_id']]);
    expect(users.cursor_field).toEqual(['modified']);
    expect(users.stream.source_defined_primary_key).toEqual([['user_id']]);
    expect(users.stream.default_cursor_field).toEqual(['modified']);
    expect(users.stream.json_schema['required']).toEqual(['user_id', 'email', 'modified']);
    expect(users.stream.name).toBe('users');
    expect([users.sync_mode, users.destination_sync_mode]).toEqual(['incremental', 'append_dedup']);
  });

  it('renames the first element of a nested key path only', () => {
    const nested = usersStream({ primary_key: [['address', 'id'], ['id']] });
    const plan = planMappers(catalog(nested), { users: { steps: [{ type: 'rename', field: 'address', to: 'location' }] } });
    expect(plan.catalog.streams[0]!.primary_key).toEqual([['location', 'id'], ['id']]);
  });

  it('a whole-record expression leaves a schema that lists no fields (any object), keeping the key and cursor', () => {
    const plan = planMappers(catalog(), { users: { steps: [{ type: 'expression', expression: '{"id": id, "updated_at": updated_at}' }] } });
    const users = plan.catalog.streams[0]!;
    expect(users.stream.json_schema).toEqual({ type: 'object' });
    expect(users.primary_key).toEqual([['id']]);
    expect(users.cursor_field).toEqual(['updated_at']);
  });

  it('keeps the other properties of the schema, the stream and the configured stream', () => {
    const stream = usersStream({ generation_id: 3, sync_id: 7 });
    stream.stream.json_schema['$schema'] = 'http://json-schema.org/draft-07/schema#';
    stream.stream.json_schema['additionalProperties'] = true;
    stream.stream.is_resumable = true;
    const plan = planMappers({ streams: [stream, eventsStream()], extra: 'kept' }, { users: { steps: [{ type: 'hash', field: 'email' }] } });
    const users = plan.catalog.streams[0]!;
    expect(users.generation_id).toBe(3);
    expect(users.sync_id).toBe(7);
    expect(users.stream.is_resumable).toBe(true);
    expect(users.stream.json_schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(users.stream.json_schema['additionalProperties']).toBe(true);
    expect(plan.catalog['extra']).toBe('kept');
  });

  it('leaves a stream without mappers, and the catalog given, unchanged', () => {
    const original = catalog();
    const snapshot = structuredClone(original);
    const plan = planMappers(original, { users: { steps: [{ type: 'select', fields: ['id', 'updated_at'] }, { type: 'rename', field: 'id', to: 'key' }] } });
    expect(plan.catalog.streams[1]).toBe(original.streams[1]);
    expect(original).toEqual(snapshot);
    expect(plan.forStream('events')).toBeUndefined();
  });
});
