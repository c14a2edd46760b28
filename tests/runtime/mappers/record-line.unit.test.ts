// A mapped RECORD line: parsed once and exactly, only `data` changed, everything else of the message kept; the
// stream's on_error policy for a step that cannot apply (fail naming stream, step, field and record; skip nulling
// the value with a meta.changes note); synchronous unless the stream has an expression step.
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../runtime/errors.js';
import { DROPPED } from '../../../runtime/mappers/types.js';
import { KEY, mapData, mapLine, mapLineWithFacts, mapperFor, recordLine } from './fixtures.js';

/** The error mapping `line` gives, as `code: message`. */
async function mapError(mapper: ReturnType<typeof mapperFor>, line: string, recordNumber: number): Promise<string> {
  try {
    await mapLine(mapper, line, recordNumber);
  } catch (error) {
    if (error instanceof SluiceError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('the record was mapped');
}

describe('a mapped RECORD line', () => {
  it('keeps integers beyond 2^53 and long decimals digit for digit', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }, { type: 'hash', field: 'email' }] }, 'events');
    const line = recordLine('{"id":12345678901234567890,"price":0.1000000000000000055511151231257827,"name":"Ada","email":"a","big":1e400,"small":-9007199254740993}', 'events');
    const mapped = await mapLine(mapper, line);
    expect(mapped).toBe(
      recordLine(
        '{"id":12345678901234567890,"price":0.1000000000000000055511151231257827,"full_name":"Ada","email":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","big":1e400,"small":-9007199254740993}',
        'events',
      ),
    );
  });

  it('landing in another stream (a prefix or namespace), renames the stream in the same serialise, digits kept', async () => {
    const mapper = mapperFor({ steps: [{ type: 'select', fields: ['id', 'updated_at'] }] });
    const line = '{"type":"RECORD","record":{"stream":"users","namespace":"crm","data":{"id":12345678901234567890,"email":"x","updated_at":"u"},"emitted_at":5}}';
    expect(await mapLine(mapper.landingIn({ name: 'x_users', namespace: 'raw' }), line)).toBe(
      '{"type":"RECORD","record":{"stream":"x_users","namespace":"raw","data":{"id":12345678901234567890,"updated_at":"u"},"emitted_at":5}}',
    );
    // No namespace in the destination: the source's is removed, not kept.
    expect(await mapLine(mapper.landingIn({ name: 'x_users' }), line)).toBe(
      '{"type":"RECORD","record":{"stream":"x_users","data":{"id":12345678901234567890,"updated_at":"u"},"emitted_at":5}}',
    );
    // The mapper it came from still writes the source's stream.
    expect(await mapLine(mapper, line)).toContain('"stream":"users","namespace":"crm"');
  });

  it.each([
    ['a compact line', recordLine('{"id":1,"name":"Ada","email":"a@x.org","age":36}')],
    ['spaces everywhere', '{ "type" : "RECORD" , "record" : { "stream" : "users" , "data" : { "id" : 1 , "name" : "Ada" , "email" : null } , "emitted_at" : 5 } }'],
    ['meta and unknown fields before and after the data', '{"type":"RECORD","record":{"stream":"users","meta":{"changes":[]},"data":{"id":2,"name":"Bo","email":"b","nested":{"a":[1,{"b":2}]}},"x":{"y":[]},"emitted_at":5},"trace":1}'],
    ['a long number and multi-byte text', recordLine('{"id":12345678901234567890,"name":"żółw 🐢","email":"é","ratio":0.1000000000000000055511151231257827}')],
  ])('maps only the data when given the line\'s facts, the same as parsing the whole line: %s', async (_name, line) => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }, { type: 'hash', field: 'email' }] });
    const whole = await mapLine(mapper, line);
    const dataOnly = await mapLineWithFacts(mapper, line);
    expect(typeof dataOnly === 'string' && typeof whole === 'string').toBe(true);
    // The same message; the bytes outside `data` are the line's own (its spacing kept).
    expect(JSON.parse(dataOnly as string)).toEqual(JSON.parse(whole as string));
    expect((dataOnly as string).startsWith(line.slice(0, line.indexOf('"data"')))).toBe(true);
    expect((dataOnly as string).endsWith(line.slice(line.lastIndexOf('}', line.indexOf('"emitted_at"')) + 1))).toBe(true);
  });

  it('keeps every digit when it maps only the data', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }] });
    const line = recordLine('{"id":12345678901234567890,"name":"Ada","ratio":0.1000000000000000055511151231257827,"big":1e400}');
    expect(await mapLineWithFacts(mapper, line)).toBe(recordLine('{"id":12345678901234567890,"full_name":"Ada","ratio":0.1000000000000000055511151231257827,"big":1e400}'));
  });

  it('keeps every other part of the message: unknown fields, namespace, emitted_at, meta', async () => {
    const mapper = mapperFor({ steps: [{ type: 'select', fields: ['id', 'updated_at'] }] });
    const line =
      '{"type":"RECORD","record":{"stream":"users","namespace":"crm","data":{"id":1,"email":"x","updated_at":"u"},"emitted_at":5,"meta":{"changes":[{"field":"name","change":"TRUNCATED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]},"vendor_flag":true},"trace_id":"t-1"}';
    expect(await mapLine(mapper, line)).toBe(
      '{"type":"RECORD","record":{"stream":"users","namespace":"crm","data":{"id":1,"updated_at":"u"},"emitted_at":5,"meta":{"changes":[{"field":"name","change":"TRUNCATED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]},"vendor_flag":true},"trace_id":"t-1"}',
    );
  });

  it('is mapped synchronously when the stream has no expression step, asynchronously when it has one', async () => {
    const line = Buffer.from(recordLine('{"id":1,"name":"Ada"}'));
    const plain = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }, { type: 'filter', keep: { field: 'id', eq: 1 } }] });
    const result = plain.map(line, 0, line.length, 1);
    expect(plain.isAsync).toBe(false);
    expect(Buffer.isBuffer(result)).toBe(true);
    expect(result.toString()).toBe(recordLine('{"id":1,"full_name":"Ada"}'));
    expect(plain.map(Buffer.from(recordLine('{"id":2}')), 0, recordLine('{"id":2}').length, 2)).toBe(DROPPED);

    const computed = mapperFor({ steps: [{ type: 'expression', field: 'n', expression: 'id + 1' }] });
    const pending = computed.map(line, 0, line.length, 1);
    expect(computed.isAsync).toBe(true);
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).toString()).toBe(recordLine('{"id":1,"name":"Ada","n":2}'));
  });
});

describe('on_error: fail (the default)', () => {
  it.each([
    ['a hash of a boolean', [{ type: 'select', fields: ['id', 'email', 'updated_at'] }, { type: 'hash', field: 'email', salt: 'SALT-s3cr3t' }], '{"id":1,"email":true}',
      'step 2 (hash), field email, record 17: cannot hash a boolean (hash takes strings and numbers)'],
    ['a hash of an object', [{ type: 'hash', field: 'address' }], '{"id":1,"address":{"city":"x"}}',
      'step 1 (hash), field address, record 17: cannot hash an object (hash takes strings and numbers)'],
    ['a comparison on an object', [{ type: 'filter', keep: { field: 'address', eq: 'x' } }], '{"id":1,"address":{"city":"x"}}',
      'step 1 (filter), field address, record 17: cannot compare an object (eq compares strings, numbers, booleans and null)'],
    ['a comparison on an array', [{ type: 'filter', drop: { or: [{ field: 'age', gt: 3 }] } }], '{"id":1,"age":[1]}',
      'step 1 (filter), field age, record 17: cannot compare an array (gt compares strings, numbers, booleans and null)'],
    ['an expression that fails', [{ type: 'expression', field: 'next', expression: 'age + 1' }], '{"id":1,"age":"old"}',
      'step 1 (expression), field next, record 17: the expression failed: The left side of the "+" operator must evaluate to a number (at character 5)'],
    ['a whole-record expression that gives no object', [{ type: 'expression', expression: 'name' }], '{"id":1,"name":"Ada"}',
      'step 1 (expression), record 17: the expression gave a string; a whole-record expression must give an object'],
  ])('%s fails the sync naming the stream, step, field and record', async (_what, steps, data, message) => {
    const mapper = mapperFor({ steps: steps as never });
    expect(await mapError(mapper, recordLine(data), 17)).toBe(`mapper.failed: stream users, ${message}`);
  });

  it('no failure message quotes a salt or a key', async () => {
    const salt = 'SALT-s3cr3t';
    const hashing = mapperFor({ steps: [{ type: 'hash', field: 'email', salt }] });
    const encrypting = mapperFor({ steps: [{ type: 'encrypt', field: 'email', key: KEY }, { type: 'filter', keep: { field: 'address', eq: 1 } }] });
    const messages = [await mapError(hashing, recordLine('{"email":[1]}'), 1), await mapError(encrypting, recordLine('{"email":"x","address":{}}'), 1)];
    expect(messages).toEqual([
      'mapper.failed: stream users, step 1 (hash), field email, record 1: cannot hash an array (hash takes strings and numbers)',
      'mapper.failed: stream users, step 2 (filter), field address, record 1: cannot compare an object (eq compares strings, numbers, booleans and null)',
    ]);
    for (const message of messages) expect(message).not.toContain(salt);
    for (const message of messages) expect(message).not.toContain(KEY);
  });
});

describe('on_error: skip', () => {
  const NOTE = (field: string) => ({ field, change: 'NULLED', reason: 'PLATFORM_SERIALIZATION_ERROR' });

  it('nulls the value a step cannot map and notes it in meta.changes, keeping the notes already there', async () => {
    const mapper = mapperFor({ on_error: 'skip', steps: [{ type: 'hash', field: 'email' }, { type: 'hash', field: 'name' }] });
    const line =
      '{"type":"RECORD","record":{"stream":"users","data":{"id":1,"email":true,"name":{"first":"Ada"}},"emitted_at":5,"meta":{"changes":[{"field":"bio","change":"TRUNCATED","reason":"SOURCE_FIELD_SIZE_LIMITATION"}]}}}';
    const mapped = JSON.parse((await mapLine(mapper, line)) as string) as { record: { data: unknown; meta: unknown } };
    expect(mapped.record.data).toEqual({ id: 1, email: null, name: null });
    expect(mapped.record.meta).toEqual({
      changes: [{ field: 'bio', change: 'TRUNCATED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }, NOTE('email'), NOTE('name')],
    });
  });

  it('adds meta.changes to a record without meta, and nulls the new field of a hash with target new', async () => {
    const mapper = mapperFor({ on_error: 'skip', steps: [{ type: 'hash', field: 'email', target: 'new' }] });
    const mapped = JSON.parse((await mapLine(mapper, recordLine('{"id":1,"email":false}'))) as string) as { record: { data: unknown; meta: unknown } };
    expect(mapped.record.data).toEqual({ id: 1, email: false, email_hashed: null });
    expect(mapped.record.meta).toEqual({ changes: [NOTE('email_hashed')] });
  });

  it('a filter compares a field it cannot compare as null, so the record is kept or dropped by the rest of the condition', async () => {
    const mapper = mapperFor({ on_error: 'skip', steps: [{ type: 'filter', keep: { or: [{ field: 'address', eq: 'x' }, { field: 'age', gt: 1 }, { field: 'country', is_null: true }] } }] });
    const kept = JSON.parse((await mapLine(mapper, recordLine('{"address":{},"age":[2]}'))) as string) as { record: { data: unknown; meta: unknown } };
    expect(kept.record.data).toEqual({ address: null, age: null });
    expect(kept.record.meta).toEqual({ changes: [NOTE('address'), NOTE('age')] });
    expect(await mapLine(mapper, recordLine('{"address":{},"country":"UK"}'))).toBe(DROPPED);
  });

  it('nulls the field of an expression that fails', async () => {
    const mapper = mapperFor({ on_error: 'skip', steps: [{ type: 'expression', field: 'next', expression: 'age + 1' }] });
    expect(await mapData(mapper, { id: 1, age: 'old' })).toEqual({ id: 1, age: 'old', next: null });
  });

  it('still fails a whole-record expression that fails: there is no one value to null', async () => {
    const mapper = mapperFor({ on_error: 'skip', steps: [{ type: 'expression', expression: '[1, 2]' }] });
    expect(await mapError(mapper, recordLine('{"id":1}'), 4)).toBe(
      'mapper.failed: stream users, step 1 (expression), record 4: the expression gave an array; a whole-record expression must give an object',
    );
  });
});

describe('a line the relay should not have passed', () => {
  it('is refused naming the stream and record, without quoting the line', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email' }] });
    expect(await mapError(mapper, '{"type":"RECORD","record":{"stream":"users","data":{"email":"ada@example.com"', 9)).toBe(
      'mapper.failed: stream users, record 9: the RECORD line is not valid JSON',
    );
    expect(await mapError(mapper, '{"type":"RECORD","record":{"stream":"users","data":[1]}}', 3)).toBe(
      'mapper.failed: stream users, record 3: the RECORD message has no record.data object',
    );
  });
});
