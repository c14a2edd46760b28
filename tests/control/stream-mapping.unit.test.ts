// A connection's prefix and namespace applied to the destination's catalog and records (runtime/sync/stream-mapping).
import { describe, expect, it } from 'vitest';
import { isIdentityMapping, mapCatalog, mappedRecordLine, mappedStateLine, sourceNamesOf } from '../../runtime/sync/stream-mapping.js';
import { parseText } from '../../protocol/envelope.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
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
    const line = mappedRecordLine(Buffer.from(JSON.stringify(message)), { prefix: 'x_', namespace: 'raw' }, message as never);
    expect(JSON.parse(line.toString())).toEqual({ type: 'RECORD', record: { stream: 'x_users', namespace: 'raw', data: { id: 1 }, emitted_at: 5, x_extra: true } });
  });

  it('keeps every digit of a number a double cannot hold, and every digit of an exponent', () => {
    const text = '{"type":"RECORD","record":{"stream":"users","data":{"id":12345678901234567890,"ratio":0.1000000000000000055511151231257827,"huge":1e400},"emitted_at":5}}';
    const line = mappedRecordLine(Buffer.from(text), { prefix: 'x_', namespace: null });
    expect(line.toString()).toBe(text.replace('"users"', '"x_users"'));
  });

  it('maps a STATE\'s descriptors for the destination and its echo back, every digit of a 64-bit cursor kept', () => {
    const catalog: ConfiguredAirbyteCatalog = { streams: [configured('users', 'public'), configured('orders')] };
    const mapping = { prefix: 'x_', namespace: 'raw' };
    const stream = '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"users","namespace":"public"},"stream_state":{"cursor":12345678901234567890}}}}';
    const global = '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"lsn":98765432109876543210},"stream_states":[{"stream_descriptor":{"name":"orders"},"stream_state":{"c":0.1000000000000000055511151231257827}}]}}}';
    const parsed = (text: string) => (parseText(text) as { message: never }).message;
    const toDestination = (text: string) => (mappedStateLine(parsed(text), mapping) as Buffer).toString();
    expect(toDestination(stream)).toBe(stream.replace('{"name":"users","namespace":"public"}', '{"name":"x_users","namespace":"raw"}'));
    expect(toDestination(global)).toBe(global.replace('{"name":"orders"}', '{"name":"x_orders","namespace":"raw"}'));
    const back = sourceNamesOf(catalog, mapping);
    const streamBack = back((parsed(toDestination(stream)) as { state: never }).state);
    expect(stringifyExactJson(streamBack)).toBe(JSON.stringify(JSON.parse(stream).state).replace(/"cursor":[0-9.e+]+/, '"cursor":12345678901234567890'));
    const globalBack = back((parsed(toDestination(global)) as { state: never }).state);
    expect(globalBack.global!.stream_states[0]!.stream_descriptor).toEqual({ name: 'orders' });
    expect(mappedStateLine(parsed('{"type":"STATE","state":{"type":"LEGACY","data":{"c":12345678901234567890}}}'), mapping)).toBe(true);
  });
});
