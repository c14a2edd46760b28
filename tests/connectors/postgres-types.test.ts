// source-postgres → destination-postgres through `sluice sync`: every column type round-trips, discover maps types
// and keys, incremental reads by cursor handle ties, append_dedup keeps the latest row per key, schema evolution
// adds columns and refuses incompatible changes, and bad credentials or a missing table are clear errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sourceConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();

describe.runIf(!postgresMissing)('PostgreSQL connectors', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-types-');
  let n = 0;
  const file = (value: unknown): string => jsonFile(dir, `f${++n}.json`, value);
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);

  async function sync(source: object, destination: object, extra: string[] = []) {
    const result = await sluice(['sync', '--source', 'source-postgres', '--source-config', file(source), '--destination', 'destination-postgres', '--destination-config', file(destination), '--json', ...extra]);
    return { ...result, summary: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
  }

  beforeAll(async () => {
    await sql(`
      CREATE SCHEMA src;
      CREATE TYPE src.mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN src.positive AS integer CHECK (VALUE > 0);
      CREATE TABLE src.all_types (
        id bigint PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, dom src.positive, num numeric, num2 numeric(12,3),
        r real, d double precision, b boolean, t text, vc varchar(20), c char(3), dt date, tm time, tmtz timetz,
        ts timestamp, tstz timestamptz, iv interval, j json, jb jsonb, ia int[], ta text[], u uuid, by bytea, e src.mood);
      INSERT INTO src.all_types VALUES
        (1, 32767, 2147483647, 9223372036854775807, 7, 12345678901234567890.123456789012, 123456789.123, 1.5,
         1.7976931348623157e308, true, E'tab\\there\\nnew "quote" \\\\ back', 'varchar', 'abc', '2024-02-29',
         '23:59:59.999999', '10:00:00+02', '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00+05',
         '1 year 2 mons 3 days 04:05:06', '{"a": [1, 2.5, "x"]}', '{"k": {"n": null}, "big": 12345678901234567890}',
         '{1,2,3}', '{"a","b c",NULL}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', 'happy'),
        (2, -32768, -2147483648, -9223372036854775808, 1, 'NaN', -0.001, 'NaN', '-Infinity', false, '', '', '   ',
         'infinity', '00:00', '00:00:00-11:30', '-infinity', 'infinity', '-1 days', '[]', '"str"', '{}', '{}',
         '00000000-0000-0000-0000-000000000000', '', 'sad'),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      CREATE VIEW src.names AS SELECT id, t FROM src.all_types;
      CREATE TABLE src.events (id integer PRIMARY KEY, name text, updated_at timestamp);
      CREATE TABLE src.nokey (n integer, label text);
      INSERT INTO src.nokey SELECT i, 'row ' || i FROM generate_series(1, 25) AS i;`);
  });

  it('discover maps each column type and finds primary keys, views and tables without a key', async () => {
    const result = await sluice(['discover', 'source-postgres', '--config', file(sourceConfig(url(), 'src')), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const streams = JSON.parse(result.stdout).streams as Array<Record<string, any>>;
    expect(streams.map((s) => `${s.namespace}.${s.name}`).sort()).toEqual(['src.all_types', 'src.events', 'src.names', 'src.nokey']);
    const all = streams.find((s) => s.name === 'all_types')!;
    expect(all.source_defined_primary_key).toEqual([['id']]);
    const p = all.json_schema.properties;
    expect(p.i8).toEqual({ type: ['null', 'integer'] });
    expect(p.dom).toEqual({ type: ['null', 'integer'] });
    expect(p.num).toEqual({ type: ['null', 'number'] });
    expect(p.b).toEqual({ type: ['null', 'boolean'] });
    expect(p.dt).toEqual({ type: ['null', 'string'], format: 'date' });
    expect(p.tm).toMatchObject({ format: 'time', airbyte_type: 'time_without_timezone' });
    expect(p.tmtz).toMatchObject({ format: 'time', airbyte_type: 'time_with_timezone' });
    expect(p.ts).toMatchObject({ format: 'date-time', airbyte_type: 'timestamp_without_timezone' });
    expect(p.tstz).toMatchObject({ format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
    expect(p.ia).toEqual({ type: ['null', 'array'], items: { type: ['null', 'integer'] } });
    expect(p.by).toEqual({ type: ['null', 'string'], contentEncoding: 'base64' });
    expect(p.jb.type).toContain('object');
    for (const name of ['t', 'vc', 'iv', 'u', 'e']) expect(p[name]).toEqual({ type: ['null', 'string'] });
    expect(streams.find((s) => s.name === 'names')!.source_defined_primary_key).toBeUndefined();
    expect(streams.find((s) => s.name === 'nokey')!.supported_sync_modes).toEqual(['full_refresh', 'incremental']);
  });

  it('every type round-trips from a source table to a typed destination table', async () => {
    const result = await sync(sourceConfig(url(), 'src', { chunk_size: 2 }), destinationConfig(url(), 'dst'), ['--streams', 'src.all_types,src.names,src.nokey']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.summary).toMatchObject({ status: 'succeeded', recordsCommitted: 31 });
    // Each column compared in SQL; values the destination keeps in another type are compared in a common form.
    const compare: Record<string, string> = {
      r: 's.r::float8 IS NOT DISTINCT FROM d.r::float8',
      d: 's.d IS NOT DISTINCT FROM d.d::float8',
      dom: 's.dom::bigint IS NOT DISTINCT FROM d.dom',
      c: "s.c IS NOT DISTINCT FROM d.c::char(3)",
      iv: 's.iv IS NOT DISTINCT FROM d.iv::interval',
      j: 's.j::jsonb IS NOT DISTINCT FROM d.j',
      ia: 'to_jsonb(s.ia) IS NOT DISTINCT FROM d.ia',
      ta: 'to_jsonb(s.ta) IS NOT DISTINCT FROM d.ta',
      u: 's.u IS NOT DISTINCT FROM d.u::uuid',
      e: 's.e::text IS NOT DISTINCT FROM d.e',
    };
    const columns = ['i2', 'i4', 'i8', 'dom', 'num', 'num2', 'r', 'd', 'b', 't', 'vc', 'c', 'dt', 'tm', 'tmtz', 'ts', 'tstz', 'iv', 'j', 'jb', 'ia', 'ta', 'u', 'by', 'e'];
    const checks = columns.map((c) => `bool_and(${compare[c] ?? `s.${c} IS NOT DISTINCT FROM d.${c}`}) AS ${c}`).join(', ');
    const [equal] = await sql(`SELECT count(*)::int AS rows, ${checks} FROM src.all_types s JOIN dst.all_types d USING (id)`);
    expect(equal).toEqual({ rows: 3, ...Object.fromEntries(columns.map((c) => [c, true])) });
    const [exact] = await sql(`SELECT i8::text, num::text, jb->>'big' AS big, encode(by, 'hex') AS by FROM dst.all_types WHERE id = 1`);
    expect(exact).toEqual({ i8: '9223372036854775807', num: '12345678901234567890.123456789012', big: '12345678901234567890', by: '00ff10' });
    const [meta] = await sql(`SELECT count(*)::int AS n, bool_and(_airbyte_meta = '{"changes": []}') AS clean, bool_and(_airbyte_raw_id IS NOT NULL AND _airbyte_extracted_at > now() - interval '5 minutes') AS stamped FROM dst.all_types`);
    expect(meta).toEqual({ n: 3, clean: true, stamped: true });
    expect(await sql(`SELECT count(*)::int AS n FROM dst.nokey`)).toEqual([{ n: 25 }]);
    expect(await sql(`SELECT t FROM dst.names WHERE id = 1`)).toEqual([{ t: 'tab\there\nnew "quote" \\ back' }]);
  });

  it('records carry bytea as base64 and big integers with every digit', async () => {
    const catalog = {
      streams: [{ stream: { name: 'all_types', namespace: 'src', json_schema: { type: 'object', properties: { id: {}, i8: {}, by: {} } }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }],
    };
    const result = await sluice(['read', 'source-postgres', '--config', file(sourceConfig(url(), 'src')), '--catalog', file(catalog)]);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = result.stdout.split('\n').filter((line) => line.includes('"RECORD"'));
    expect(records[0]).toContain('"data":{"id":1,"i8":9223372036854775807,"by":"AP8Q"}');
    const states = jsonLines(result.stdout).filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state);
    expect(states[0]).toMatchObject({ mode: 'full_refresh' });
    expect(states.at(-1)).toMatchObject({ mode: 'full_refresh', complete: true });
  });

  it('incremental reads rows strictly newer than the cursor, and rows that tie with it later are not lost or repeated', async () => {
    await sql(`INSERT INTO src.events SELECT i, 'e' || i, timestamp '2024-01-01' + (i / 3) * interval '1 hour' FROM generate_series(1, 10) AS i`);
    const state = join(dir, 'events-state.json');
    const args = ['--streams', 'src.events', '--mode', 'src.events=incremental:append', '--cursor', 'src.events=updated_at', '--state', state];
    const source = sourceConfig(url(), 'src', { chunk_size: 4 });
    const first = await sync(source, destinationConfig(url(), 'inc'), args);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.summary.recordsCommitted).toBe(10);
    // A row at the last cursor value (ids 9, 10 are at 03:00) and one newer; an older row is not read.
    await sql(`INSERT INTO src.events VALUES (11, 'tie', '2024-01-01 03:00'), (12, 'newer', '2024-01-01 04:00'), (13, 'older', '2023-12-31')`);
    const second = await sync(source, destinationConfig(url(), 'inc'), args);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.summary.recordsCommitted).toBe(2);
    const third = await sync(source, destinationConfig(url(), 'inc'), args);
    expect(third.summary.recordsCommitted).toBe(0);
    const ids = (await sql(`SELECT id FROM inc.events ORDER BY id`)).map((row) => row['id']);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
  });

  it('an incremental read streams in cursor order, its states never split rows sharing a cursor value, and it warns while the cursor column has no index', async () => {
    // 14 rows, cursor values 0 to 4 in groups of 3 (the first has 2): with chunk_size 4, a state may only fall after a group.
    await sql(`CREATE TABLE src.ticks (id integer PRIMARY KEY, at integer); INSERT INTO src.ticks SELECT i, i / 3 FROM generate_series(1, 14) AS i`);
    const catalog = file({
      streams: [{ stream: { name: 'ticks', namespace: 'src', json_schema: { type: 'object', properties: { id: {}, at: {} } }, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', cursor_field: ['at'], destination_sync_mode: 'append' }],
    });
    const read = async () => {
      const result = await sluice(['read', 'source-postgres', '--config', file(sourceConfig(url(), 'src', { chunk_size: 4 })), '--catalog', catalog]);
      expect(result.exitCode, result.stderr).toBe(0);
      return jsonLines(result.stdout);
    };
    const messages = await read();
    const warnings = messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message);
    expect(warnings).toEqual([expect.stringContaining('src.ticks: cursor column at has no index')]);
    // Each state follows the last row of its cursor value: the rows before it and their count, and the keys at that value.
    const seen: number[] = [];
    const states: Array<{ cursor: string; keys: string[][]; after: number[]; count: number }> = [];
    for (const m of messages) {
      if (m.type === 'RECORD') seen.push(m.record.data.id);
      if (m.type === 'STATE') states.push({ cursor: m.state.stream.stream_state.cursor, keys: m.state.stream.stream_state.keys, after: [...seen], count: m.state.sourceStats.recordCount });
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(states).toEqual([
      { cursor: '1', keys: [['3'], ['4'], ['5']], after: [1, 2, 3, 4, 5], count: 5 },
      { cursor: '3', keys: [['9'], ['10'], ['11']], after: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], count: 6 },
      { cursor: '4', keys: [['12'], ['13'], ['14']], after: seen, count: 3 },
    ]);
    await sql(`CREATE INDEX ON src.ticks (at)`);
    expect((await read()).filter((m) => m.type === 'LOG' && m.log.level === 'WARN')).toEqual([]);
  });

  it('append_dedup keeps the latest row per primary key', async () => {
    await sql(`CREATE TABLE src.people (id int PRIMARY KEY, name text, updated_at int)`);
    await sql(`INSERT INTO src.people SELECT i, 'v1', 1 FROM generate_series(1, 5) AS i`);
    const args = ['--streams', 'src.people', '--mode', 'src.people=incremental:append_dedup', '--cursor', 'src.people=updated_at', '--state', join(dir, 'people-state.json')];
    expect((await sync(sourceConfig(url(), 'src'), destinationConfig(url(), 'dd'), args)).exitCode).toBe(0);
    await sql(`UPDATE src.people SET name = 'v2', updated_at = 2 WHERE id IN (2, 4); INSERT INTO src.people VALUES (6, 'v2', 2)`);
    const second = await sync(sourceConfig(url(), 'src'), destinationConfig(url(), 'dd'), args);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await sql(`SELECT id, name FROM dd.people ORDER BY id`)).toEqual([
      { id: '1', name: 'v1' }, { id: '2', name: 'v2' }, { id: '3', name: 'v1' }, { id: '4', name: 'v2' }, { id: '5', name: 'v1' }, { id: '6', name: 'v2' },
    ]);
  });

  it('a new source column adds a column; an incompatible type change is an error naming the stream and column', async () => {
    await sql(`CREATE TABLE src.evolving (id int PRIMARY KEY, a text); INSERT INTO src.evolving VALUES (1, 'x')`);
    const args = ['--streams', 'src.evolving', '--mode', 'src.evolving=full_refresh:append'];
    expect((await sync(sourceConfig(url(), 'src'), destinationConfig(url(), 'ev'), args)).exitCode).toBe(0);
    await sql(`ALTER TABLE src.evolving ADD COLUMN added date; INSERT INTO src.evolving VALUES (2, 'y', '2024-05-01')`);
    const added = await sync(sourceConfig(url(), 'src'), destinationConfig(url(), 'ev'), args);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await sql(`SELECT id, a, added::text FROM ev.evolving ORDER BY id, added NULLS FIRST`)).toEqual([
      { id: '1', a: 'x', added: null }, { id: '1', a: 'x', added: null }, { id: '2', a: 'y', added: '2024-05-01' },
    ]);
    await sql(`ALTER TABLE src.evolving ALTER COLUMN added TYPE boolean USING false`);
    const changed = await sync(sourceConfig(url(), 'src'), destinationConfig(url(), 'ev'), args);
    expect(changed.exitCode).not.toBe(0);
    expect(changed.summary.failure.message).toContain('stream src.evolving: column added of "ev"."evolving" is date, but the source now sends boolean values; this type change is not compatible');
  });

  it('bad credentials and a missing table are clear errors', async () => {
    const badUser = await sluice(['check', 'source-postgres', '--config', file(sourceConfig(url(), 'src', { username: 'no_such_user' })), '--json']);
    expect(JSON.parse(badUser.stdout)).toMatchObject({ status: 'FAILED' });
    expect(JSON.parse(badUser.stdout).message).toMatch(/^cannot connect to PostgreSQL at .* \(database .*, user no_such_user\): role "no_such_user" does not exist: check username and password$/);
    const badDestination = await sluice(['check', 'destination-postgres', '--config', file(destinationConfig(url(), 'x', { database: 'no_such_db' })), '--json']);
    expect(JSON.parse(badDestination.stdout).message).toContain('database "no_such_db" does not exist: check the database name');
    const catalog = { streams: [{ stream: { name: 'gone', namespace: 'src', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    const missing = await sluice(['read', 'source-postgres', '--config', file(sourceConfig(url(), 'src')), '--catalog', file(catalog)]);
    expect(missing.exitCode).not.toBe(0);
    const trace = jsonLines(missing.stdout).find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(trace?.trace.error).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/^stream src\.gone: table "src"\."gone" does not exist in database sluice_test_\w+ \(or the user may not SELECT from it\)$/) });
  });
});
