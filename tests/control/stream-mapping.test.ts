// A connection's prefix and namespace applied to the destination's catalog and records (runtime/sync/stream-mapping).
import { describe, expect, it } from 'vitest';
import { isIdentityMapping, mapCatalog, mappedRecordLine } from '../../runtime/sync/stream-mapping.js';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';

const configured = (name: string, namespace?: string) => ({
  stream: { name, ...(namespace ? { namespace } : {}), json_schema: {}, supported_sync_modes: ['full_refresh' as const] },
  sync_mode: 'full_refresh' as const,
  destination_sync_mode: 'overwrite' as const,
});

describe('stream mapping', () => {
  it('prefixes names and replaces or keeps namespaces', () => {
    const catalog: ConfiguredAirbyteCatalog = { streams: [configured('users', 'public'), configured('orders')] };
    expect(mapCatalog(catalog, { prefix: 'x_', namespace: null }).streams.map((item) => item.stream)).toMatchObject([
      { name: 'x_users', namespace: 'public' },
      { name: 'x_orders' },
    ]);
    expect(mapCatalog(catalog, { prefix: '', namespace: 'raw' }).streams.map((item) => [item.stream.name, item.stream.namespace])).toEqual([
      ['users', 'raw'],
      ['orders', 'raw'],
    ]);
    expect(isIdentityMapping({ prefix: '', namespace: null })).toBe(true);
  });

  it('refuses two streams that would land in the same place', () => {
    const catalog: ConfiguredAirbyteCatalog = { streams: [configured('users', 'a'), configured('users', 'b')] };
    expect(() => mapCatalog(catalog, { prefix: '', namespace: 'raw' })).toThrow('streams a.users and b.users would both land in raw.users in the destination');
  });

  it('rewrites a record line, keeping its other fields, unknown ones included', () => {
    const message = { type: 'RECORD', record: { stream: 'users', namespace: 'public', data: { id: 1 }, emitted_at: 5, x_extra: true } };
    const line = mappedRecordLine(message as never, Buffer.from(JSON.stringify(message)), { prefix: 'x_', namespace: 'raw' });
    expect(JSON.parse(line.toString())).toEqual({ type: 'RECORD', record: { stream: 'x_users', namespace: 'raw', data: { id: 1 }, emitted_at: 5, x_extra: true } });
  });

  it('keeps every digit of a number a double cannot hold, and every digit of an exponent', () => {
    const text = '{"type":"RECORD","record":{"stream":"users","data":{"id":12345678901234567890,"ratio":0.1000000000000000055511151231257827,"huge":1e400},"emitted_at":5}}';
    const line = mappedRecordLine(JSON.parse(text), Buffer.from(text), { prefix: 'x_', namespace: null });
    expect(line.toString()).toBe(text.replace('"users"', '"x_users"'));
  });
});
