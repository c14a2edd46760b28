// The kit's naming rule for files and tables (connectors/kit/stream-names.ts): clean names are kept, any other name
// always gets a suffix that depends only on the stream, whatever the other streams of the catalog and their order.
import { describe, expect, it } from 'vitest';
import { FILE_NAMES, nameSuffix, targetNames } from '../../connectors/kit/stream-names.js';
import { TABLE_NAMES } from '../../connectors/destination-sqlite/table-names.js';

describe('targetNames', () => {
  it('keeps a name that needs no cleaning, and suffixes one that does even when it is alone', () => {
    expect(targetNames([{ name: 'users' }, { name: 'Sales 2024' }, { name: 'orders', namespace: 'shop' }], FILE_NAMES)).toEqual(['users', `Sales_2024${nameSuffix({ name: 'Sales 2024' })}`, 'shop__orders']);
    expect(targetNames([{ name: 'orders', namespace: 'shop eu' }], FILE_NAMES)).toEqual([`shop_eu__orders${nameSuffix({ name: 'orders', namespace: 'shop eu' })}`]);
  });

  it('gives a stream the same name whichever other streams are in the catalog', () => {
    const alone = (stream: { name: string; namespace?: string }) => targetNames([stream], FILE_NAMES)[0];
    const streams = [{ name: 'a_b' }, { name: 'a/b' }, { name: 'a b' }, { name: 'x', namespace: 'n/s' }];
    expect(targetNames(streams, FILE_NAMES)).toEqual(streams.map(alone));
    const tables = [{ name: 'A_B' }, { name: 'a_b' }];
    expect(targetNames(tables, TABLE_NAMES)).toEqual(tables.map((stream) => targetNames([stream], TABLE_NAMES)[0]));
  });

  it('gives every stream that cleans to a taken name a suffix from its own name; the clean one keeps its name', () => {
    const streams = [{ name: 'Sales 2024' }, { name: 'Sales/2024' }, { name: 'Sales_2024' }];
    expect(targetNames(streams, FILE_NAMES)).toEqual([`Sales_2024${nameSuffix(streams[0]!)}`, `Sales_2024${nameSuffix(streams[1]!)}`, 'Sales_2024']);
    expect(nameSuffix({ name: 'Sales 2024' })).toMatch(/^_[0-9a-f]{8}$/);
    expect(nameSuffix({ name: 'Sales 2024' })).not.toBe(nameSuffix({ name: 'Sales/2024' }));
  });

  it('does not depend on the catalog order', () => {
    const streams = [{ name: 'Продажи' }, { name: 'Клиенты' }, { name: 'x', namespace: 'a b' }, { name: 'x', namespace: 'a/b' }, { name: 'x', namespace: 'a_b' }];
    const forward = targetNames(streams, FILE_NAMES);
    const backward = targetNames([...streams].reverse(), FILE_NAMES).reverse();
    expect(backward).toEqual(forward);
    expect(new Set(forward).size).toBe(streams.length);
    expect(forward[4]).toBe('a_b__x');
  });

  it('keeps only lower-case names where the target ignores case (SQLite tables), and keeps its own prefixes', () => {
    const names = targetNames([{ name: 'Users' }, { name: 'users' }, { name: '2024' }, { name: 'sqlite_stat' }], TABLE_NAMES);
    expect(names).toEqual([`Users${nameSuffix({ name: 'Users' })}`, 'users', '_2024', '_sqlite_stat']);
  });

  it('cuts a name longer than the target allows and always suffixes it, never splitting a character', () => {
    const rule = { ...FILE_NAMES, maxBytes: 20 };
    const long = 'é'.repeat(30);
    const [name] = targetNames([{ name: long }], { ...rule, clean: (part: string) => part });
    expect(Buffer.byteLength(name!)).toBeLessThanOrEqual(20);
    expect(name).toBe(`${'é'.repeat(5)}${nameSuffix({ name: long })}`);
  });

  it('refuses two streams that would still share a name, naming both, compared without case where the target ignores it', () => {
    const suffixed = `a_b${nameSuffix({ name: 'a b' })}`;
    expect(() => targetNames([{ name: 'a b' }, { name: 'a/b' }, { name: 'a_b' }, { name: suffixed }], FILE_NAMES)).toThrow(
      `streams a b and ${suffixed} would both be stored as ${suffixed}; rename one of them`,
    );
    const upper = `A_B${nameSuffix({ name: 'A_B' })}`;
    expect(() => targetNames([{ name: 'A_B' }, { name: upper.toLowerCase() }], TABLE_NAMES)).toThrow(
      `streams A_B and ${upper.toLowerCase()} would both be stored as ${upper.toLowerCase()}; rename one of them`,
    );
  });
});
