// The kit's naming rule for files and tables (connectors/kit/stream-names.ts): clean names are kept, names that
// clean to the same target get a suffix that depends only on the stream, whatever the catalog order.
import { describe, expect, it } from 'vitest';
import { FILE_NAMES, nameSuffix, targetNames } from '../../connectors/kit/stream-names.js';
import { TABLE_NAMES } from '../../connectors/destination-sqlite/table-names.js';

describe('targetNames', () => {
  it('keeps a name that needs no cleaning, and cleans one alone in its target without a suffix', () => {
    expect(targetNames([{ name: 'users' }, { name: 'Sales 2024' }, { name: 'orders', namespace: 'shop' }], FILE_NAMES)).toEqual(['users', 'Sales_2024', 'shop__orders']);
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

  it('compares without case where the target does (SQLite tables), and keeps its own prefixes', () => {
    const names = targetNames([{ name: 'Users' }, { name: 'users' }, { name: '2024' }, { name: 'sqlite_stat' }], TABLE_NAMES);
    expect(names).toEqual(['Users', `users${nameSuffix({ name: 'users' })}`, '_2024', '_sqlite_stat']);
  });

  it('cuts a name longer than the target allows and always suffixes it, never splitting a character', () => {
    const rule = { ...FILE_NAMES, maxBytes: 20 };
    const long = 'é'.repeat(30);
    const [name] = targetNames([{ name: long }], { ...rule, clean: (part: string) => part });
    expect(Buffer.byteLength(name!)).toBeLessThanOrEqual(20);
    expect(name).toBe(`${'é'.repeat(5)}${nameSuffix({ name: long })}`);
  });

  it('refuses two streams that would still share a name, naming both', () => {
    const suffixed = `a_b${nameSuffix({ name: 'a b' })}`;
    expect(() => targetNames([{ name: 'a b' }, { name: 'a/b' }, { name: 'a_b' }, { name: suffixed }], FILE_NAMES)).toThrow(
      `streams a b and ${suffixed} would both be stored as ${suffixed}; rename one of them`,
    );
  });
});
