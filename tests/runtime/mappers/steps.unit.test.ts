// Each step on real RECORD lines: select, rename, hash, encrypt, filter (DROPPED for a record not kept) and
// expression (a field or the whole record).
import { describe, expect, it } from 'vitest';
import { decryptValue } from '../../../runtime/mappers/aes-gcm-value.js';
import { DROPPED } from '../../../runtime/mappers/types.js';
import { KEY, mapData, mapperFor } from './fixtures.js';

const ADA = { id: 1, email: 'ada@example.com', name: 'Ada', country: 'UK', age: 36, address: { city: 'London' }, updated_at: '2024-01-01' };

describe('select', () => {
  it('keeps only the named fields, in the order given, leaving out the ones a record lacks', async () => {
    const mapper = mapperFor({ steps: [{ type: 'select', fields: ['updated_at', 'id', 'name', 'country'] }] });
    const data = await mapData(mapper, { id: 1, email: 'x', name: 'Ada', updated_at: 'u', extra: true });
    expect(data).toEqual({ updated_at: 'u', id: 1, name: 'Ada' });
    expect(Object.keys(data)).toEqual(['updated_at', 'id', 'name']);
  });

  it('does not mistake an inherited name for a field', async () => {
    const mapper = mapperFor({ steps: [{ type: 'select', fields: ['id', 'toString', 'constructor'] }] }, 'events');
    expect(await mapData(mapper, '{"id":1,"constructor":"c"}')).toEqual({ id: 1, constructor: 'c' });
  });
});

describe('rename', () => {
  it('renames the field in place, keeping the order of the others', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }] });
    const data = await mapData(mapper, { id: 1, name: 'Ada', updated_at: 'u' });
    expect(Object.keys(data)).toEqual(['id', 'full_name', 'updated_at']);
    expect(data).toEqual({ id: 1, full_name: 'Ada', updated_at: 'u' });
  });

  it('passes a record without the field unchanged', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'name', to: 'full_name' }] });
    expect(await mapData(mapper, { id: 1 })).toEqual({ id: 1 });
  });

  it('on a stream whose schema lists no fields, the renamed value wins over one already there', async () => {
    const mapper = mapperFor({ steps: [{ type: 'rename', field: 'a', to: 'b' }] }, 'events');
    expect(await mapData(mapper, { b: 'old', a: 'new', c: 1 })).toEqual({ b: 'new', c: 1 });
  });
});

describe('hash', () => {
  // Digests from coreutils: printf 'pepperada@example.com' | sha256sum (and sha512sum, md5sum).
  const SALTED_SHA256 = 'f3de2501fc91c4a9ae4d4ed50bef931c9901aabe5ea36979890a69204e7eb2b1';
  const SALTED_SHA512 = 'e4b70b1d569fb4a1d35417e15aaf85813ffe82777619be847ae02ac6ae15a50527d25fe7d484bf5431e0ee22458282a3fa9dfb54a293b5b09cdcb52c0050ed9b';
  const SALTED_MD5 = '8b33de83b4480ca4c85dab4e54a63eb2';

  it('replaces the field with the hex SHA-256 of salt + value, the digest any tool gives', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper' }] });
    expect(await mapData(mapper, { id: 1, email: 'ada@example.com' })).toEqual({ id: 1, email: SALTED_SHA256 });
  });

  it('hashes without a salt, and with SHA-512 and MD5', async () => {
    const plain = mapperFor({ steps: [{ type: 'hash', field: 'email' }] });
    expect(await mapData(plain, { email: 'ada@example.com' })).toEqual({ email: 'b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72' });
    const sha512 = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper', algorithm: 'sha512' }] });
    expect(await mapData(sha512, { email: 'ada@example.com' })).toEqual({ email: SALTED_SHA512 });
    const md5 = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper', algorithm: 'md5' }] });
    expect(await mapData(md5, { email: 'ada@example.com' })).toEqual({ email: SALTED_MD5 });
  });

  it('gives equal digests for equal inputs, so hashed columns still join', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper' }] });
    const first = await mapData(mapper, { id: 1, email: 'ada@example.com' });
    const second = await mapData(mapper, { id: 2, email: 'ada@example.com' });
    const other = await mapData(mapper, { id: 3, email: 'bob@example.com' });
    expect(first !== DROPPED && second !== DROPPED && other !== DROPPED).toBe(true);
    expect((first as { email: string }).email).toBe((second as { email: string }).email);
    expect((other as { email: string }).email).not.toBe((first as { email: string }).email);
  });

  it('with target new, writes <field>_hashed and keeps the field', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper', target: 'new' }] });
    expect(await mapData(mapper, { email: 'ada@example.com', id: 1 })).toEqual({ email: 'ada@example.com', id: 1, email_hashed: SALTED_SHA256 });
    expect(await mapData(mapper, { email: null, id: 1 })).toEqual({ email: null, id: 1, email_hashed: null });
  });

  it('hashes a number by its text, every digit of an exact number included', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'id' }] });
    expect(await mapData(mapper, '{"id":42}')).toEqual({ id: '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049' });
    expect(await mapData(mapper, '{"id":12345678901234567890}')).toEqual({ id: '6ed645ef0e1abea1bf1e4e935ff04f9e18d39812387f63cda3415b46240f0405' });
  });

  it('leaves a missing or null value as it is', async () => {
    const mapper = mapperFor({ steps: [{ type: 'hash', field: 'email', salt: 'pepper' }] });
    expect(await mapData(mapper, { id: 1, email: null })).toEqual({ id: 1, email: null });
    expect(await mapData(mapper, { id: 1 })).toEqual({ id: 1 });
  });
});

describe('encrypt', () => {
  it('replaces the value with a v1: string that decryptValue turns back into the string, number or object', async () => {
    const mapper = mapperFor({ steps: [{ type: 'encrypt', field: 'address', key: KEY }] }, 'events');
    for (const address of ['221B Baker Street', 221, { city: 'London', lines: ['221B', 'Baker St'] }, true]) {
      const data = (await mapData(mapper, { id: 1, address })) as { id: number; address: string };
      expect(data.id).toBe(1);
      expect(data.address).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
      expect(JSON.stringify(data)).not.toContain('Baker');
      expect(decryptValue(data.address, KEY)).toEqual(address);
    }
  });

  it('keeps every digit of an exact number through encryption', async () => {
    const mapper = mapperFor({ steps: [{ type: 'encrypt', field: 'id', key: KEY }] });
    const data = (await mapData(mapper, '{"id":12345678901234567890}')) as { id: string };
    expect(String(decryptValue(data.id, KEY))).toBe('12345678901234567890');
  });

  it('encrypts equal values differently (a random IV each time)', async () => {
    const mapper = mapperFor({ steps: [{ type: 'encrypt', field: 'email', key: KEY }] });
    const first = (await mapData(mapper, { email: 'ada@example.com' })) as { email: string };
    const second = (await mapData(mapper, { email: 'ada@example.com' })) as { email: string };
    expect(first.email).not.toBe(second.email);
  });

  it('leaves a missing or null value as it is', async () => {
    const mapper = mapperFor({ steps: [{ type: 'encrypt', field: 'email', key: KEY }] });
    expect(await mapData(mapper, { id: 1, email: null })).toEqual({ id: 1, email: null });
    expect(await mapData(mapper, { id: 1 })).toEqual({ id: 1 });
  });
});

describe('filter', () => {
  const kept = async (condition: object, data: object, direction: 'keep' | 'drop' = 'keep'): Promise<boolean> =>
    (await mapData(mapperFor({ steps: [{ type: 'filter', [direction]: condition }] }), data)) !== DROPPED;

  it('keep: a record the condition holds for passes unchanged, another is DROPPED', async () => {
    const mapper = mapperFor({ steps: [{ type: 'filter', keep: { field: 'country', in: ['US', 'CA'] } }] });
    expect(await mapData(mapper, { id: 1, country: 'US' })).toEqual({ id: 1, country: 'US' });
    expect(await mapData(mapper, { id: 2, country: 'UK' })).toBe(DROPPED);
  });

  it('drop: a record the condition holds for is DROPPED', async () => {
    expect(await kept({ field: 'country', eq: 'UK' }, ADA, 'drop')).toBe(false);
    expect(await kept({ field: 'country', eq: 'US' }, ADA, 'drop')).toBe(true);
  });

  it('eq and ne compare strings, numbers, booleans and null; a missing field is null', async () => {
    expect(await kept({ field: 'age', eq: 36 }, ADA)).toBe(true);
    expect(await kept({ field: 'age', eq: '36' }, ADA)).toBe(false);
    expect(await kept({ field: 'age', ne: 36 }, ADA)).toBe(false);
    expect(await kept({ field: 'name', eq: null }, { id: 1 })).toBe(true);
    expect(await kept({ field: 'name', ne: null }, { id: 1, name: 'x' })).toBe(true);
    expect(await kept({ field: 'name', eq: true }, { name: true })).toBe(true);
  });

  it('lt, le, gt, ge compare numbers with numbers and strings with strings; other types are false', async () => {
    expect(await kept({ field: 'age', gt: 30 }, ADA)).toBe(true);
    expect(await kept({ field: 'age', ge: 36 }, ADA)).toBe(true);
    expect(await kept({ field: 'age', lt: 36 }, ADA)).toBe(false);
    expect(await kept({ field: 'age', le: 36 }, ADA)).toBe(true);
    expect(await kept({ field: 'updated_at', ge: '2023-12-31' }, ADA)).toBe(true);
    expect(await kept({ field: 'updated_at', lt: '2023-12-31' }, ADA)).toBe(false);
    expect(await kept({ field: 'age', gt: '1' }, ADA)).toBe(false);
    expect(await kept({ field: 'age', lt: 100 }, { age: null })).toBe(false);
    expect(await kept({ field: 'age', lt: 100 }, { id: 1 })).toBe(false);
  });

  it('compares an exact number by its value', async () => {
    expect(await kept({ field: 'id', gt: 1e19 }, JSON.parse('{"id":1}'))).toBe(false);
    const mapper = mapperFor({ steps: [{ type: 'filter', keep: { field: 'id', gt: 1e19 } }] });
    expect(await mapData(mapper, '{"id":12345678901234567890}')).toEqual({ id: 12345678901234567890 });
  });

  it('is_null holds for a missing or null field; is_null false for a present one', async () => {
    expect(await kept({ field: 'email', is_null: true }, { id: 1 })).toBe(true);
    expect(await kept({ field: 'email', is_null: true }, { email: null })).toBe(true);
    expect(await kept({ field: 'email', is_null: true }, { email: '' })).toBe(false);
    expect(await kept({ field: 'email', is_null: false }, { email: '' })).toBe(true);
    expect(await kept({ field: 'address', is_null: false }, ADA)).toBe(true);
  });

  it('and, or and not combine conditions', async () => {
    const adult = { field: 'age', ge: 18 };
    const inUs = { field: 'country', eq: 'US' };
    expect(await kept({ and: [adult, inUs] }, ADA)).toBe(false);
    expect(await kept({ or: [adult, inUs] }, ADA)).toBe(true);
    expect(await kept({ not: inUs }, ADA)).toBe(true);
    expect(await kept({ and: [adult, { not: { or: [inUs, { field: 'country', eq: 'CA' }] } }] }, ADA)).toBe(true);
  });
});

describe('expression', () => {
  it('computes a field with JSONata', async () => {
    const mapper = mapperFor({ steps: [{ type: 'expression', field: 'domain', expression: "$substringAfter(email, '@')" }] });
    expect(await mapData(mapper, { id: 1, email: 'ada@example.com' })).toEqual({ id: 1, email: 'ada@example.com', domain: 'example.com' });
  });

  it('replaces a field it names, and gives null when the expression has no result', async () => {
    const mapper = mapperFor({ steps: [{ type: 'expression', field: 'name', expression: '$uppercase(name)' }] });
    expect(await mapData(mapper, { id: 1, name: 'Ada' })).toEqual({ id: 1, name: 'ADA' });
    expect(await mapData(mapper, { id: 2 })).toEqual({ id: 2, name: null });
  });

  it('without a field, replaces the whole record with the object it gives', async () => {
    const mapper = mapperFor({ steps: [{ type: 'expression', expression: '{"id": id, "city": address.city, "tags": [country, "x"]}' }] });
    expect(await mapData(mapper, ADA)).toEqual({ id: 1, city: 'London', tags: ['UK', 'x'] });
  });

  it('runs after the steps before it and before the ones after it', async () => {
    const mapper = mapperFor({
      steps: [
        { type: 'rename', field: 'name', to: 'full_name' },
        { type: 'expression', field: 'initial', expression: '$substring(full_name, 0, 1)' },
        { type: 'filter', keep: { field: 'initial', eq: 'A' } },
        { type: 'select', fields: ['id', 'updated_at', 'initial'] },
      ],
    });
    expect(await mapData(mapper, ADA)).toEqual({ id: 1, updated_at: '2024-01-01', initial: 'A' });
    expect(await mapData(mapper, { ...ADA, name: 'Bob' })).toBe(DROPPED);
  });
});
