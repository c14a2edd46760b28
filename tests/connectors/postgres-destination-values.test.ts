// destination-postgres through `sluice write`: numbers reach their columns digit for digit whatever the schema type
// (a bigint column too small for a value becomes numeric, a numeric one too small becomes text), objects keep
// their numbers in JSON columns, and a record without a usable emitted_at gets the time it was received, never 1970.
import { describe, expect, it } from 'vitest';
import { jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();

const HUGE = '12345678901234567890';
const INT8_MAX = '9223372036854775807';
const INT8_MIN = '-9223372036854775808';
const DECIMAL40 = '123456789012345678901234567890.1234567890';
const TEN_TO_400 = '1e400';
const NUMBERS = [HUGE, INT8_MAX, INT8_MIN, DECIMAL40, TEN_TO_400];

describe.runIf(!postgresMissing)('destination-postgres values', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-values-');
  let n = 0;
  const file = (value: unknown): string => jsonFile(dir, `f${++n}.json`, value);
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);

  function stream(name: string, properties: Record<string, unknown>, mode = 'append', key?: string) {
    return {
      stream: { name, json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: mode === 'append_dedup' ? 'incremental' : 'full_refresh',
      destination_sync_mode: mode,
      ...(key ? { primary_key: [[key]], cursor_field: ['id'] } : {}),
    };
  }
  async function write(streams: object[], lines: string[], schema = 'dst') {
    const catalog = file({ streams });
    return sluice(['write', 'destination-postgres', '--config', file(destinationConfig(url(), schema)), '--catalog', catalog], { input: lines.join('\n') + '\n' });
  }
  const record = (streamName: string, data: string, tail = ',"emitted_at":1700000000000') => `{"type":"RECORD","record":{"stream":"${streamName}","data":${data}${tail}}}`;
  const state = (streamName: string) => `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"${streamName}"},"stream_state":{"n":1}}}}`;

  it.each(['append', 'append_dedup', 'overwrite'])('keeps every digit in integer, bigint-like, number and JSON columns (%s)', async (mode) => {
    const name = `numbers_${mode}`;
    const properties = {
      id: { type: 'integer' },
      i: { type: ['null', 'integer'] },
      ai: { type: 'number', airbyte_type: 'integer' },
      num: { type: 'number' },
      obj: { type: 'object' },
    };
    const lines = NUMBERS.map((value, index) => record(name, `{"id":${index + 1},"i":${value},"ai":${value},"num":${value},"obj":{"v":${value},"nested":[${value}]}}`));
    const status = `{"type":"TRACE","trace":{"type":"STREAM_STATUS","emitted_at":1,"stream_status":{"stream_descriptor":{"name":"${name}"},"status":"COMPLETE"}}}`;
    const result = await write([stream(name, properties, mode, mode === 'append_dedup' ? 'id' : undefined)], [...lines, state(name), status]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(jsonLines(result.stdout).filter((m) => m.type === 'STATE')).toHaveLength(1);
    const rows = await sql(
      `SELECT id::text, i::text, ai::text, num::text, obj->>'v' AS v, obj->'nested'->>0 AS nested, _airbyte_meta::text AS meta,
              i::numeric = $1::numeric AS i_exact, ai::numeric = $1::numeric AS ai_exact, num::numeric = $1::numeric AS num_exact,
              (obj->>'v')::numeric = $1::numeric AS v_exact
       FROM dst.${name} WHERE id = $2::int`,
      [TEN_TO_400, 5],
    );
    expect(rows[0]).toMatchObject({ i_exact: true, ai_exact: true, num_exact: true, v_exact: true, meta: '{"changes": []}' });
    const all = await sql(`SELECT i::text, ai::text, num::text, obj->>'v' AS v, obj->'nested'->>0 AS nested FROM dst.${name} WHERE id < 5 ORDER BY id`);
    expect(all).toEqual(NUMBERS.slice(0, 4).map((value) => ({ i: value, ai: value, num: value, v: value, nested: value })));
  });

  it('a bigint column that meets a value it cannot hold is widened to numeric, once, for later runs too', async () => {
    const properties = { id: { type: 'integer' }, amount: { type: 'integer' } };
    const first = await write([stream('widened', properties)], [record('widened', '{"id":1,"amount":5}'), state('widened')]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(await sql(`SELECT format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = 'dst.widened'::regclass AND attname = 'amount'`)).toEqual([{ type: 'bigint' }]);
    const second = await write([stream('widened', properties)], [record('widened', `{"id":2,"amount":${HUGE}}`), record('widened', '{"id":3,"amount":7}'), state('widened')]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await sql(`SELECT format_type(atttypid, NULL) AS type FROM pg_attribute WHERE attrelid = 'dst.widened'::regclass AND attname = 'amount'`)).toEqual([{ type: 'numeric' }]);
    const third = await write([stream('widened', properties)], [record('widened', '{"id":4,"amount":-1}'), state('widened')]);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(await sql(`SELECT id::int, amount::text FROM dst.widened ORDER BY id`)).toEqual([
      { id: 1, amount: '5' },
      { id: 2, amount: HUGE },
      { id: 3, amount: '7' },
      { id: 4, amount: '-1' },
    ]);
  });

  it('a number beyond what numeric can hold is kept as text, digit for digit', async () => {
    const result = await write([stream('beyond', { id: { type: 'integer' }, x: { type: 'number' } })], [record('beyond', '{"id":1,"x":1e200000}'), record('beyond', '{"id":2,"x":2.5}'), state('beyond')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sql(`SELECT id::int, x FROM dst.beyond ORDER BY id`)).toEqual([
      { id: 1, x: '1e200000' },
      { id: 2, x: '2.5' },
    ]);
  });

  it('an object holding a number beyond what jsonb can hold is kept, its column becoming text', async () => {
    const lines = [record('deep', '{"id":1,"o":{"s":"1e999999"}}'), record('deep', '{"id":2,"o":{"x":1e-200000,"s":"1e999999"}}'), state('deep')];
    const result = await write([stream('deep', { id: { type: 'integer' }, o: { type: 'object' } })], lines);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await sql(`SELECT id::int, o::text FROM dst.deep ORDER BY id`)).toEqual([
      { id: 1, o: '{"s": "1e999999"}' },
      { id: 2, o: '{"x":1e-200000,"s":"1e999999"}' },
    ]);
  });

  it('stores each record as its values say whatever the order of its members, repeated keys, escapes or multi-byte text', async () => {
    const properties = {
      id: { type: 'integer' },
      t: { type: 'string' },
      n: { type: 'number' },
      b: { type: 'boolean' },
      d: { type: 'string', format: 'date' },
      j: { type: ['object', 'array', 'string'] },
    };
    const lines = [
      record('mixed', '{"id":1,"t":"a\\tb\\\\c\\u00e9\\ud83d\\ude00 \\"q\\"","n":1.50,"b":true,"d":"2024-01-01","j":{"x":"\\\\","y":[1,"\\n"]}}'),
      record('mixed', '{"j":"s","unknown":{"a":1},"d":"2024-02-29","b":false,"n":"12.5","t":"reversed","id":2}'),
      record('mixed', '{"id":3,"t":"first","t":null,"t":"last","b":"maybe","d":"not a date"}'),
      record('mixed', '{ "id" : 4 , "t" : "spaced" }'),
      record('mixed', '{"id":5,"t":"café 中 😀 \\u00e9"}'),
      state('mixed'),
    ];
    const result = await write([stream('mixed', properties)], lines);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = await sql(`SELECT id::int, t, n::text, b, d::text, j::text, _airbyte_meta->'changes' AS changes FROM dst.mixed ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, t: 'a\tb\\cé😀 "q"', n: '1.50', b: true, d: '2024-01-01', j: '{"x": "\\\\", "y": [1, "\\n"]}', changes: [] },
      { id: 2, t: 'reversed', n: '12.5', b: false, d: '2024-02-29', j: '"s"', changes: [] },
      {
        id: 3,
        t: 'last',
        n: null,
        b: null,
        d: null,
        j: null,
        changes: [
          { field: 'b', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
          { field: 'd', change: 'NULLED', reason: 'DESTINATION_TYPECAST_ERROR' },
        ],
      },
      { id: 4, t: 'spaced', n: null, b: null, d: null, j: null, changes: [] },
      { id: 5, t: 'café 中 😀 é', n: null, b: null, d: null, j: null, changes: [] },
    ]);
  });

  it('a record without a numeric emitted_at is stored with the time it was received, not 1970', async () => {
    const before = Date.now();
    const lines = [
      record('times', '{"id":1}', ''),
      record('times', '{"id":2}', ',"emitted_at":"soon"'),
      record('times', '{"id":3}', ',"emitted_at":null'),
      record('times', '{"id":4}', ',"emitted_at":1e300'),
      record('times', '{"id":5}'),
      state('times'),
    ];
    const result = await write([stream('times', { id: { type: 'integer' } })], lines);
    const after = Date.now();
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = await sql(`SELECT id::int, (extract(epoch FROM _airbyte_extracted_at) * 1000)::float8 AS ms FROM dst.times ORDER BY id`);
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    for (const row of rows.slice(0, 4)) {
      expect(row.ms).toBeGreaterThanOrEqual(before - 1);
      expect(row.ms).toBeLessThanOrEqual(after + 1);
    }
    expect(rows[4]!.ms).toBe(1700000000000);
    expect(jsonLines(result.stdout).filter((m) => m.type === 'LOG').map((m) => m.log)).toEqual([
      {
        level: 'WARN',
        message:
          'stream times: the record on input line 1 has no numeric emitted_at; its _airbyte_extracted_at is the time destination-postgres received it (later such records of this stream are not reported)',
      },
    ]);
  });

  it('echoes a STATE with every digit of its numbers, and resumes an overwrite load from it', async () => {
    const name = 'exact_state';
    const streamState = `{"cursor":${HUGE},"position":${DECIMAL40},"tiny":1e-400}`;
    const stateLine = `{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"${name}"},"stream_state":${streamState}}}}`;
    const catalog = [stream(name, { id: { type: 'integer' } }, 'overwrite')];
    const first = await write(catalog, [record(name, '{"id":1}'), stateLine]);
    expect(first.exitCode, first.stderr).toBe(0);
    const echoed = first.stdout.split('\n').filter((line) => line.includes('"STATE"'));
    expect(echoed).toHaveLength(1);
    expect(echoed[0]).toContain(`"stream_state":${streamState}`);
    expect(JSON.parse(echoed[0]!).state.destinationStats).toEqual({ recordCount: 1 });
    // The stream's first message is the state committed last: the rerun continues that load (a new one would hold id 2 only).
    const second = await write(catalog, [stateLine, record(name, '{"id":2}'), stateLine]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await sql(`SELECT id::int FROM dst.${name} ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('counts in destinationStats the records of the state’s own stream (all streams for a GLOBAL or LEGACY state), as the kit destinations do', async () => {
    const catalog = [stream('count_a', { id: { type: 'integer' } }), stream('count_b', { id: { type: 'integer' } })];
    const a = (id: number) => record('count_a', `{"id":${id}}`);
    const b = (id: number) => record('count_b', `{"id":${id}}`);
    const result = await write(catalog, [
      a(1), a(2), a(3), b(1), b(2),
      state('count_a'),
      b(3),
      state('count_b'),
      a(4), b(4),
      '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"x":1},"stream_states":[]}}}',
      a(5),
      '{"type":"STATE","state":{"data":{"a":5}}}',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const echoed = jsonLines(result.stdout).filter((m) => m.type === 'STATE');
    expect(echoed.map((m) => m.state.destinationStats.recordCount)).toEqual([3, 3, 2, 1]);
  });
});
