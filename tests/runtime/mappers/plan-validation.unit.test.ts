// Mappers are checked before anything runs: each mistake gives one `mapper.invalid` error naming the stream, the
// step (`users step 2 (rename)`) and the field, and no message ever quotes a salt or a key.
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../runtime/errors.js';
import { planMappers } from '../../../runtime/mappers/plan.js';
import { catalog, KEY } from './fixtures.js';

/** The error planning `mappers` gives, as `code: message`. */
function planError(mappers: unknown): string {
  try {
    planMappers(catalog(), mappers as never);
  } catch (error) {
    if (error instanceof SluiceError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('planMappers accepted the mappers');
}

const users = (...steps: unknown[]) => ({ users: { steps } });
const USERS_FIELDS = 'id, email, name, country, age, address, updated_at';

describe('planning refuses', () => {
  it.each([
    ['mappers that are not an object', ['users'], 'mappers must be an object keyed by stream'],
    ['an unknown stream', { orders: { steps: [] } }, 'mappers for stream orders: the catalog has no such stream (it has: users, events)'],
    ['a stream entry without steps', { users: { on_error: 'fail' } }, 'mappers for stream users: steps must be a list'],
    ['an unknown property of a stream entry', { users: { steps: [], onError: 'skip' } }, 'mappers for stream users: unknown property onError (expected on_error and steps)'],
    ['a policy other than fail or skip', { users: { on_error: 'ignore', steps: [] } }, 'mappers for stream users: on_error must be fail or skip'],
    ['a step of an unknown type', users({ type: 'mask', field: 'email' }), 'users step 1: unknown type mask (the types are select, rename, hash, encrypt, filter and expression)'],
    ['a step without a type', users({ field: 'email' }), 'users step 1: a step must be an object with a type (the types are select, rename, hash, encrypt, filter and expression)'],
    ['an unknown property of a step', users({ type: 'rename', field: 'name', too: 'full_name' }), 'users step 1 (rename): unknown property too (a rename step takes field and to)'],
    ['a field the schema does not have', users({ type: 'select', fields: ['id', 'updated_at'] }, { type: 'rename', field: 'nme', to: 'full_name' }),
      `users step 2 (rename), field nme: the stream's schema has no such field (it has: id, updated_at)`],
    ['a field the schema does not have, listing them all', users({ type: 'hash', field: 'mail' }), `users step 1 (hash), field mail: the stream's schema has no such field (it has: ${USERS_FIELDS})`],
    ['select without fields', users({ type: 'select', fields: [] }), 'users step 1 (select): fields must be a non-empty list of field names'],
    ['select naming a field twice', users({ type: 'select', fields: ['id', 'id', 'updated_at'] }), 'users step 1 (select), field id: is listed twice'],
    ['select dropping the primary key', users({ type: 'select', fields: ['email', 'updated_at'] }), 'users step 1 (select), field id: is in the primary key, so select must keep it'],
    ['select dropping the cursor of an incremental stream', users({ type: 'select', fields: ['id', 'email'] }), 'users step 1 (select), field updated_at: is in the cursor, so select must keep it'],
    ['rename onto an existing field', users({ type: 'rename', field: 'name', to: 'email' }), 'users step 1 (rename), field name: cannot rename to email, which already exists'],
    ['rename onto an existing field made by an earlier rename', users({ type: 'rename', field: 'name', to: 'full_name' }, { type: 'rename', field: 'email', to: 'full_name' }),
      'users step 2 (rename), field email: cannot rename to full_name, which already exists'],
    ['rename without a new name', users({ type: 'rename', field: 'name' }), 'users step 1 (rename): to must be a non-empty string'],
    ['rename to __proto__', users({ type: 'rename', field: 'name', to: '__proto__' }), 'users step 1 (rename), field name: to __proto__ is not a field name Sluice can write'],
    ['a hash algorithm it does not know', users({ type: 'hash', field: 'email', algorithm: 'sha1' }), 'users step 1 (hash), field email: algorithm sha1 is not one of sha256, sha512 or md5'],
    ['a hash target it does not know', users({ type: 'hash', field: 'email', target: 'copy' }), 'users step 1 (hash), field email: target copy is not one of replace or new'],
    ['a hash to a new field that exists', users({ type: 'expression', field: 'email_hashed', expression: '1' }, { type: 'hash', field: 'email', target: 'new' }),
      'users step 2 (hash), field email: target new writes email_hashed, which already exists'],
    ['a salt that is not a string', users({ type: 'hash', field: 'email', salt: 42 }), 'users step 1 (hash), field email: salt must be a string'],
    ['an encryption key that is not 32 bytes', users({ type: 'encrypt', field: 'email', key: 'c2VjcmV0LWtleS10aGF0LWlzLXRvby1zaG9ydA==' }),
      'users step 1 (encrypt), field email: key must be 64 hexadecimal characters (32 bytes)'],
    ['an encrypt step without a key', users({ type: 'encrypt', field: 'email' }), 'users step 1 (encrypt), field email: key must be 64 hexadecimal characters (32 bytes)'],
    ['an encrypt step on a field the schema does not have', users({ type: 'encrypt', field: 'ssn', key: KEY }),
      `users step 1 (encrypt), field ssn: the stream's schema has no such field (it has: ${USERS_FIELDS})`],
    ['a filter with both keep and drop', users({ type: 'filter', keep: { field: 'age', gt: 1 }, drop: { field: 'age', lt: 1 } }), 'users step 1 (filter): takes exactly one of keep and drop'],
    ['a filter with neither keep nor drop', users({ type: 'filter' }), 'users step 1 (filter): takes exactly one of keep and drop'],
    ['a condition that is not an object', users({ type: 'filter', keep: 'age > 1' }),
      'users step 1 (filter): keep must be a condition: {field, eq|ne|in|lt|le|gt|ge|is_null: value}, {and: [conditions]}, {or: [conditions]} or {not: condition}'],
    ['a condition without a field', users({ type: 'filter', keep: { eq: 'US' } }),
      'users step 1 (filter): keep must be a condition: {field, eq|ne|in|lt|le|gt|ge|is_null: value}, {and: [conditions]}, {or: [conditions]} or {not: condition}'],
    ['a condition with two comparisons', users({ type: 'filter', keep: { field: 'age', gt: 1, lt: 9 } }),
      'users step 1 (filter), field age: keep must have exactly one of eq, ne, in, lt, le, gt, ge, is_null besides field (it has: gt, lt)'],
    ['a condition with an unknown comparison', users({ type: 'filter', drop: { field: 'age', between: [1, 9] } }),
      'users step 1 (filter), field age: drop must have exactly one of eq, ne, in, lt, le, gt, ge, is_null besides field (it has: between)'],
    ['a nested condition on a field the schema does not have', users({ type: 'filter', keep: { and: [{ field: 'age', gt: 1 }, { not: { field: 'state', eq: 'CA' } }] } }),
      `users step 1 (filter), field state: the stream's schema has no such field (it has: ${USERS_FIELDS})`],
    ['an empty and', users({ type: 'filter', keep: { and: [] } }), `users step 1 (filter): keep.and must be the condition's only property, a non-empty list of conditions`],
    ['or beside a field', users({ type: 'filter', keep: { field: 'age', or: [{ field: 'age', gt: 1 }] } }), `users step 1 (filter): keep.or must be the condition's only property, a non-empty list of conditions`],
    ['in with a list of objects', users({ type: 'filter', keep: { field: 'country', in: [{ code: 'US' }] } }), 'users step 1 (filter), field country: keep.in must be a list of strings, numbers, booleans or null'],
    ['eq with an object', users({ type: 'filter', keep: { or: [{ field: 'country', eq: { code: 'US' } }] } }), 'users step 1 (filter), field country: keep.or[0].eq must be a string, a number, a boolean or null'],
    ['gt with a boolean', users({ type: 'filter', keep: { field: 'age', gt: true } }), 'users step 1 (filter), field age: keep.gt must be a number or a string'],
    ['is_null with a string', users({ type: 'filter', keep: { field: 'email', is_null: 'yes' } }), 'users step 1 (filter), field email: keep.is_null must be true or false'],
    ['an expression that does not compile', users({ type: 'expression', field: 'domain', expression: "$substringAfter(email, '@'" }),
      'users step 1 (expression), field domain: the expression does not compile: Expected ")" before end of expression (at character 26)'],
    ['an expression step without an expression', users({ type: 'expression', field: 'domain' }), 'users step 1 (expression): expression must be a non-empty string'],
  ])('%s', (_what, mappers, message) => {
    expect(planError(mappers)).toBe(`mapper.invalid: ${message}`);
  });

  it('names the stream as namespace.name when the stream has a namespace', () => {
    const namespaced = catalog();
    namespaced.streams[0]!.stream.namespace = 'crm';
    expect(() => planMappers(namespaced, { users: { steps: [] } })).toThrow('mappers for stream users: the catalog has no such stream (it has: crm.users, events)');
    expect(() => planMappers(namespaced, { 'crm.users': { steps: [{ type: 'rename', field: 'nme', to: 'x' }] } })).toThrow(
      `crm.users step 1 (rename), field nme: the stream's schema has no such field`,
    );
  });
});

describe('planning never shows a secret', () => {
  it('a salt or key in a step that fails planning appears in no message', () => {
    const salt = 'pepper-SALT-9f8e7d';
    const badKey = 'not-a-key-SECRET-1234';
    const messages = [
      planError(users({ type: 'hash', field: 'email', salt, algorithm: 'sha3' })),
      planError(users({ type: 'hash', field: 'mail', salt })),
      planError(users({ type: 'hash', field: 'email', salt, extra: 1 })),
      planError(users({ type: 'encrypt', field: 'email', key: badKey })),
      planError(users({ type: 'encrypt', field: 'mail', key: KEY })),
      planError(users({ type: 'encrypt', field: 'email', key: KEY, salt })),
    ];
    expect(messages).toHaveLength(6);
    for (const message of messages) {
      expect(message).not.toContain(salt);
      expect(message).not.toContain(badKey);
      expect(message).not.toContain(KEY);
    }
  });
});

describe('planning accepts', () => {
  it('any field name on a stream whose schema lists no fields', () => {
    const plan = planMappers(catalog(), { events: { steps: [{ type: 'rename', field: 'anything', to: 'else' }, { type: 'hash', field: 'whatever' }] } });
    expect(plan.forStream('events')).toBeDefined();
  });

  it('no mappers, or a stream with no steps: every stream keeps the raw relay and the catalog is unchanged', () => {
    const original = catalog();
    const plan = planMappers(original, { users: { steps: [] } });
    expect(plan.forStream('users')).toBeUndefined();
    expect(plan.forStream('events')).toBeUndefined();
    expect(plan.catalog).toEqual(original);
  });

  it('select dropping the cursor of a full-refresh stream (its cursor is unused, and leaves the catalog)', () => {
    const fullRefresh = catalog({ ...catalog().streams[0]!, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' });
    const plan = planMappers(fullRefresh, { users: { steps: [{ type: 'select', fields: ['id', 'email'] }] } });
    expect(plan.catalog.streams[0]!.cursor_field).toBeUndefined();
    expect(plan.catalog.streams[0]!.stream.default_cursor_field).toBeUndefined();
    expect(plan.catalog.streams[0]!.primary_key).toEqual([['id']]);
  });
});
