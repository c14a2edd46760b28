// destination-postgres through `sluice write`: every stream gets a table (and staging table) of its own whatever its
// name, namespace or length, the same on every run and in any catalog order; and streams whose schema does not
// declare their primary key or cursor (schemaless ones included) keep their data and deduplicate by them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { errorLine, jsonFile, sluice, tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();

const hash = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 8);
const bytes = (text: string): number => Buffer.byteLength(text);

describe.runIf(!postgresMissing)('destination-postgres table names', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-names-');
  let n = 0;
  const file = (value: unknown): string => jsonFile(dir, `f${++n}.json`, value);
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);

  interface Stream {
    name: string;
    namespace?: string;
    mode?: string;
    schema?: Record<string, unknown>;
    key?: string;
    cursor?: string;
  }
  function configured({ name, namespace, mode = 'overwrite', schema, key, cursor }: Stream) {
    return {
      stream: {
        name,
        ...(namespace ? { namespace } : {}),
        json_schema: schema ?? { type: 'object', properties: { id: { type: 'integer' }, label: { type: 'string' } } },
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: mode === 'append_dedup' ? 'incremental' : 'full_refresh',
      destination_sync_mode: mode,
      ...(key ? { primary_key: [[key]] } : {}),
      ...(cursor ? { cursor_field: [cursor] } : {}),
    };
  }
  const descriptor = (s: Stream) => `{"name":${JSON.stringify(s.name)}${s.namespace ? `,"namespace":${JSON.stringify(s.namespace)}` : ''}}`;
  const record = (s: Stream, data: object) =>
    `{"type":"RECORD","record":{"stream":${JSON.stringify(s.name)}${s.namespace ? `,"namespace":${JSON.stringify(s.namespace)}` : ''},"data":${JSON.stringify(data)},"emitted_at":1700000000000}}`;
  const complete = (s: Stream) => `{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{"stream_descriptor":${descriptor(s)},"status":"COMPLETE"}}}`;
  const state = (s: Stream) => `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":${descriptor(s)},"stream_state":{"n":1}}}}`;

  /** Writes `rows` records to each stream (its label in each row), states and completes them all. */
  async function write(streams: Stream[], schema: string, extra: Record<string, unknown> = {}, rows = 2) {
    const lines = streams.flatMap((s, index) => [
      ...Array.from({ length: rows }, (_, i) => record(s, { id: i + 1, label: `${s.namespace ?? ''}/${s.name}#${index}` })),
      state(s),
    ]);
    const input = [...lines, ...streams.map(complete)].join('\n') + '\n';
    const result = await sluice(['write', 'destination-postgres', '--config', file(destinationConfig(url(), schema, extra)), '--catalog', file({ streams: streams.map(configured) })], { input });
    expect(result.exitCode, result.stderr).toBe(0);
  }
  /** table → the labels in it, for every table of `schema`. */
  async function contents(schemas: string[]): Promise<Record<string, string[]>> {
    const tables = await sql(`SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_schema = ANY($1) ORDER BY 1, 2`, [schemas]);
    const out: Record<string, string[]> = {};
    for (const { s, t } of tables) {
      const labels = await sql(`SELECT DISTINCT label FROM "${s.replace(/"/g, '""')}"."${t.replace(/"/g, '""')}" ORDER BY 1`);
      out[schemas.length > 1 ? `${s}.${t}` : t] = [...new Set(labels.map((row) => row.label.replace(/#\d+$/, '')))];
    }
    return out;
  }

  it('names that look alike, Cyrillic names and long names sharing a prefix each get their own table, in any order', async () => {
    const long = 'x'.repeat(70);
    const cyrillicLong = 'продажи_по_регионам_за_весь_отчётный_период_';
    const streams: Stream[] = [
      { name: 'Sales 2024' },
      { name: 'Sales/2024' },
      { name: 'Sales_2024' },
      { name: 'Продажи' },
      { name: 'Продажи 2024' },
      { name: `${long}_a` },
      { name: `${long}_b` },
      { name: `${cyrillicLong}север` },
      { name: `${cyrillicLong}юг` },
    ];
    const expected = Object.fromEntries(
      streams.map((s) => {
        let table = s.name;
        if (bytes(table) > 63) {
          const tail = `_${hash(s.name)}`;
          const chars = [...s.name];
          while (bytes(chars.join('') + tail) > 63) chars.pop();
          table = chars.join('') + tail;
        }
        return [table, [`/${s.name}`]];
      }),
    );
    await write(streams, 'look_alike');
    expect(await contents(['look_alike'])).toEqual(expected);
    await write([...streams].reverse(), 'look_alike');
    expect(await contents(['look_alike'])).toEqual(expected);
  });

  it('streams of different namespaces that share a name and one schema each get a table named with a hash of their descriptor', async () => {
    const a: Stream = { name: 'users', namespace: 'shop_a' };
    const b: Stream = { name: 'users', namespace: 'shop_b' };
    const plain: Stream = { name: 'orders', namespace: 'shop_a' };
    const expected = {
      orders: ['shop_a/orders'],
      [`users_${hash('["shop_a","users"]')}`]: ['shop_a/users'],
      [`users_${hash('["shop_b","users"]')}`]: ['shop_b/users'],
    };
    await write([a, b, plain], 'merged');
    expect(await contents(['merged'])).toEqual(expected);
    await write([plain, b, a], 'merged');
    expect(await contents(['merged'])).toEqual(expected);
  });

  it('a stream whose own name is the hashed name of another is refused before anything is loaded, naming both', async () => {
    const taken = `users_${hash('["shop_a","users"]')}`;
    const streams = [{ name: 'users', namespace: 'shop_a' }, { name: 'users', namespace: 'shop_b' }, { name: taken }].map((s) => configured(s));
    const input = record({ name: taken }, { id: 1 }) + '\n';
    const result = await sluice(['write', 'destination-postgres', '--config', file(destinationConfig(url(), 'clash')), '--catalog', file({ streams })], { input });
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(
      `sluice: connector.failed: connector destination-postgres (write) failed (config_error): streams shop_a.users and ${taken} would both use table clash.${taken}; rename one of them`,
    );
    expect(await sql(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'clash'`)).toEqual([{ n: 0 }]);
  });

  it('long namespaces that share their first 63 bytes become distinct schemas', async () => {
    const prefix = 'n'.repeat(64);
    const first: Stream = { name: 'items', namespace: `${prefix}_one` };
    const second: Stream = { name: 'items', namespace: `${prefix}_two` };
    await write([first, second], 'unused', { namespace_mode: 'source' });
    const schemaOf = (namespace: string) => `${'n'.repeat(63 - 9)}_${hash(namespace)}`;
    expect(await contents([schemaOf(first.namespace!), schemaOf(second.namespace!)])).toEqual({
      [`${schemaOf(first.namespace!)}.items`]: [`${first.namespace}/items`],
      [`${schemaOf(second.namespace!)}.items`]: [`${second.namespace}/items`],
    });
  });

  it('a namespace PostgreSQL reserves (pg_…) becomes a schema with a "_" in front', async () => {
    await write([{ name: 'items', namespace: 'pg_stats' }], 'unused', { namespace_mode: 'source' });
    expect(await contents(['_pg_stats'])).toEqual({ items: ['pg_stats/items'] });
  });

  it('check accepts a target schema PostgreSQL reserves (pg_…), which write uses with a "_" in front', async () => {
    const result = await sluice(['check', 'destination-postgres', '--config', file(destinationConfig(url(), 'pg_target'))]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  });

  it('a stream named like another stream\'s staging table or index keeps its own table', async () => {
    const items: Stream = { name: 'items' };
    const staged: Stream = { name: 'items_airbyte_tmp' };
    const keyed: Stream = { name: 'keyed', mode: 'append_dedup', key: 'id' };
    const index: Stream = { name: 'keyed_sluice_pk', mode: 'append' };
    await write([items, staged, keyed, index], 'reserved');
    await write([index, keyed, staged, items], 'reserved');
    expect(await contents(['reserved'])).toEqual({
      items: ['/items'],
      [`items_airbyte_tmp_${hash('[null,"items_airbyte_tmp"]')}`]: ['/items_airbyte_tmp'],
      keyed: ['/keyed'],
      keyed_sluice_pk: ['/keyed_sluice_pk'],
    });
    expect(await sql(`SELECT count(*)::int AS n FROM reserved.keyed`)).toEqual([{ n: 2 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM reserved.keyed_sluice_pk`)).toEqual([{ n: 4 }]);
  });

  it('a schemaless stream with a primary key and cursor keeps each record whole and deduplicates by them', async () => {
    const s: Stream = { name: 'schemaless', mode: 'append_dedup', schema: { type: 'object' }, key: 'id', cursor: 'updated' };
    const lines = [
      record(s, { id: 1, updated: 2, big: 12345678901234567890n.toString(), note: 'newest' }),
      record(s, { id: 1, updated: 1, note: 'older, arrives later' }),
      record(s, { id: 2, updated: 1, note: 'only' }),
      state(s),
    ];
    const result = await sluice(['write', 'destination-postgres', '--config', file(destinationConfig(url(), 'loose')), '--catalog', file({ streams: [configured(s)] })], {
      input: lines.join('\n') + '\n',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sql(`SELECT id::text, updated::text, _airbyte_data->>'note' AS note FROM loose.schemaless ORDER BY id`)).toEqual([
      { id: '1', updated: '2', note: 'newest' },
      { id: '2', updated: '1', note: 'only' },
    ]);
  });

  it('a cursor field the schema does not declare still decides which record of a key wins', async () => {
    const s: Stream = { name: 'partial', mode: 'append_dedup', schema: { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } } }, key: 'id', cursor: 'updated' };
    const lines = [record(s, { id: 1, updated: 5, note: 'newest' }), record(s, { id: 1, updated: 3, note: 'older' }), state(s)];
    const result = await sluice(['write', 'destination-postgres', '--config', file(destinationConfig(url(), 'loose')), '--catalog', file({ streams: [configured(s)] })], {
      input: lines.join('\n') + '\n',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sql(`SELECT id::int, updated::text, note FROM loose.partial`)).toEqual([{ id: 1, updated: '5', note: 'newest' }]);
  });
});
