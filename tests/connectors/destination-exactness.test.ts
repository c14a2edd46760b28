// What the kit destinations (local-json, csv, sqlite) store and echo, fed protocol lines directly: numbers keep
// every digit, a record without a numeric emitted_at is stamped with the time it arrived (never an invalid line),
// each STATE's destinationStats counts the records it covers, and an echoed STATE keeps its own numbers.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CsvParser } from '../../connectors/kit/csv.js';
import { tempDir } from '../support/cli.js';
import { catalogOf, completeLine, recordLine, runWrite, streamStateLine } from '../support/destination.js';

const BIG = '{"id":12345678901234567890,"max":9223372036854775807,"price":0.1000000000000000055511,"nested":{"n":-98765432109876543210,"list":[1e400]},"small":42,"half":1.5}';
const properties = {
  id: { type: 'integer' },
  max: { type: 'integer' },
  price: { type: 'number' },
  nested: { type: 'object' },
  small: { type: 'integer' },
  half: { type: 'number' },
};

function csvRows(path: string): Array<Record<string, string | null>> {
  const parser = new CsvParser();
  const [header, ...records] = [...parser.push(readFileSync(path, 'utf8')), ...parser.end()];
  return records.map((record) => Object.fromEntries(header!.map((name, i) => [String(name), record[i] ?? null])));
}

function sqliteRows(path: string, sql: string): Array<Record<string, unknown>> {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).safeIntegers(true).all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

describe.concurrent('numbers reach storage with every digit', () => {
  it('destination-local-json writes the data object exactly as the source sent it', async () => {
    const dir = tempDir();
    const result = await runWrite('destination-local-json', dir, { destination_path: join(dir, 'out') }, catalogOf([{ name: 'prices', properties }]), [
      recordLine('prices', BIG),
      recordLine('prices', '{ "id" : 7 , "text":"a \\"quoted\\" 12345678901234567890" }'),
      streamStateLine('prices', '{"cursor":1}'),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'out', 'prices.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\{"_airbyte_raw_id":"[0-9a-f-]{36}","_airbyte_extracted_at":1700000000000,"_airbyte_data":/);
    expect(lines[0]!.endsWith(`"_airbyte_data":${BIG}}`)).toBe(true);
    expect(lines[1]!.endsWith('"_airbyte_data":{ "id" : 7 , "text":"a \\"quoted\\" 12345678901234567890" }}')).toBe(true);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('destination-csv writes each number as the source wrote it, nested values too', async () => {
    const dir = tempDir();
    const result = await runWrite('destination-csv', dir, { destination_path: join(dir, 'out') }, catalogOf([{ name: 'prices', properties }]), [
      recordLine('prices', BIG),
      recordLine('prices', '{"id":1,"max":2,"price":0.25,"nested":{"a":[1,2]},"small":3,"half":-0.5}'),
      streamStateLine('prices', '{"cursor":1}'),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = csvRows(join(dir, 'out', 'prices.csv'));
    expect(rows.map(({ id, max, price, nested, small, half }) => ({ id, max, price, nested, small, half }))).toEqual([
      { id: '12345678901234567890', max: '9223372036854775807', price: '0.1000000000000000055511', nested: '{"n":-98765432109876543210,"list":[1e400]}', small: '42', half: '1.5' },
      { id: '1', max: '2', price: '0.25', nested: '{"a":[1,2]}', small: '3', half: '-0.5' },
    ]);
  });

  it('destination-sqlite stores integers that fit 64 bits as INTEGER and any other number as its exact text', async () => {
    const dir = tempDir();
    const database = join(dir, 'db.sqlite');
    const result = await runWrite('destination-sqlite', dir, { database_path: database }, catalogOf([{ name: 'prices', properties }]), [
      recordLine('prices', BIG),
      recordLine('prices', '{"id":-9223372036854775808,"max":9007199254740993,"price":0.25,"nested":null,"small":3,"half":-0.5}'),
      streamStateLine('prices', '{"cursor":1}'),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = sqliteRows(database, 'SELECT CAST(id AS TEXT) AS id, typeof(id) AS id_type, max, typeof(max) AS max_type, CAST(price AS TEXT) AS price, nested, small, typeof(small) AS small_type, half FROM prices ORDER BY rowid');
    expect(rows).toEqual([
      { id: '12345678901234567890', id_type: 'blob', max: 9223372036854775807n, max_type: 'integer', price: '0.1000000000000000055511', nested: '{"n":-98765432109876543210,"list":[1e400]}', small: 42n, small_type: 'integer', half: 1.5 },
      { id: '-9223372036854775808', id_type: 'integer', max: 9007199254740993n, max_type: 'integer', price: '0.25', nested: null, small: 3n, small_type: 'integer', half: -0.5 },
    ]);
  });
});

// destination-csv and destination-sqlite read each column from the data's text, not from a parsed object: the values
// must be those JSON.parse would give, whatever the spacing, escapes, key order or duplicate keys.
describe.concurrent('columns read from the data text are the values JSON.parse gives', () => {
  const columns = { i: { type: 'integer' }, n: { type: 'number' }, s: { type: 'string' }, b: { type: 'boolean' }, o: { type: 'object' }, a: { type: 'array' }, x: {}, u: { type: ['string', 'integer'] } };
  const lines = [
    recordLine('t', '{"i":1,"n":1.5,"s":"plain","b":true,"o":{"k":1},"a":[1,2],"x":null,"u":"s"}'),
    recordLine('t', '{"i":-0,"n":1.0,"s":"q\\"uote, \\u00e9\\n","b":false,"o":{ "k" : [ 1.0 , 1e5 ] },"a":[],"x":"z","u":7}'),
    recordLine('t', '{ "n" : 1E5 , "i" : 12 , "s":"", "extra":1, "s":"dup last", "u":-1.25e-7}'),
    recordLine('t', '{"u":[{"d":{"e":[]}}],"s":"a,b","x":true, "\\u0069": 5}'),
    streamStateLine('t', '{"cursor":1}'),
  ];

  it('destination-csv', async () => {
    const dir = tempDir();
    const result = await runWrite('destination-csv', dir, { destination_path: join(dir, 'out') }, catalogOf([{ name: 't', properties: columns }]), lines);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.lines.filter((line) => line.includes('"WARN"'))).toEqual([expect.stringContaining('field extra is not in the stream')]);
    expect(csvRows(join(dir, 'out', 't.csv')).map(({ i, n, s, b, o, a, x, u }) => ({ i, n, s, b, o, a, x, u }))).toEqual([
      { i: '1', n: '1.5', s: 'plain', b: 'true', o: '{"k":1}', a: '[1,2]', x: null, u: 's' },
      { i: '0', n: '1', s: 'q"uote, é\n', b: 'false', o: '{"k":[1,100000]}', a: '[]', x: 'z', u: '7' },
      { i: '12', n: '100000', s: 'dup last', b: null, o: null, a: null, x: null, u: '-1.25e-7' },
      { i: '5', n: null, s: 'a,b', b: null, o: null, a: null, x: 'true', u: '[{"d":{"e":[]}}]' },
    ]);
  });

  it('destination-sqlite', async () => {
    const dir = tempDir();
    const database = join(dir, 'db.sqlite');
    const result = await runWrite('destination-sqlite', dir, { database_path: database }, catalogOf([{ name: 't', properties: columns }]), lines);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.lines.filter((line) => line.includes('"WARN"'))).toEqual([expect.stringContaining('field extra is not in the stream')]);
    expect(sqliteRows(database, 'SELECT i, n, typeof(n) AS n_type, s, b, o, a, x, u FROM t ORDER BY rowid')).toEqual([
      { i: 1n, n: 1.5, n_type: 'real', s: 'plain', b: 1n, o: '{"k":1}', a: '[1,2]', x: null, u: 's' },
      { i: 0n, n: 1, n_type: 'real', s: 'q"uote, é\n', b: 0n, o: '{"k":[1,100000]}', a: '[]', x: 'z', u: '7' },
      { i: 12n, n: 100000, n_type: 'real', s: 'dup last', b: null, o: null, a: null, x: null, u: '-1.25e-7' },
      { i: 5n, n: null, n_type: 'null', s: 'a,b', b: null, o: null, a: null, x: 'true', u: '[{"d":{"e":[]}}]' },
    ]);
  });
});

describe.concurrent('a STATE echoed by a kit destination', () => {
  it.each(['destination-local-json', 'destination-csv', 'destination-sqlite'])('%s keeps the numbers of the state as they were sent', async (connector) => {
    const dir = tempDir();
    const config = connector === 'destination-sqlite' ? { database_path: join(dir, 'db.sqlite') } : { destination_path: join(dir, 'out') };
    const result = await runWrite(connector, dir, config, catalogOf([{ name: 'items' }]), [
      recordLine('items', '{"id":1}'),
      streamStateLine('items', '{"cursor":12345678901234567890,"lsn":0.1000000000000000055511}'),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.lines).toEqual([
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"},"stream_state":{"cursor":12345678901234567890,"lsn":0.1000000000000000055511}},"destinationStats":{"recordCount":1}}}',
    ]);
  });

  it.each(['destination-local-json', 'destination-csv', 'destination-sqlite', 'destination-dev-null'])(
    '%s counts in destinationStats the records of the state’s own stream (all streams for a GLOBAL or LEGACY state)',
    async (connector) => {
      const dir = tempDir();
      const config = connector === 'destination-sqlite' ? { database_path: join(dir, 'db.sqlite') } : { destination_path: join(dir, 'out') };
      const a = (id: number) => recordLine('a', `{"id":${id}}`);
      const b = (id: number) => recordLine('b', `{"id":${id}}`);
      const result = await runWrite(connector, dir, config, catalogOf([{ name: 'a' }, { name: 'b' }]), [
        a(1), a(2), a(3), b(1), b(2),
        streamStateLine('a', '{"cursor":3}'),
        b(3),
        streamStateLine('b', '{"cursor":3}'),
        a(4), b(4),
        '{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"x":1},"stream_states":[]}}}',
        a(5),
        '{"type":"STATE","state":{"data":{"a":5}}}',
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.lines.map((line) => JSON.parse(line).state.destinationStats.recordCount)).toEqual([3, 3, 2, 1]);
    },
  );
});

describe.concurrent('a record without a numeric emitted_at', () => {
  const lines = [
    recordLine('items', '{"id":1}', null),
    '{"type":"RECORD","record":{"stream":"items","data":{"id":2},"emitted_at":"yesterday"}}',
    recordLine('items', '{"id":3}', 1_700_000_000_000),
    streamStateLine('items', '{"cursor":3}'),
  ];

  it('destination-local-json stamps it with the time the destination received it, one valid JSON line each', async () => {
    const dir = tempDir();
    const before = Date.now();
    const result = await runWrite('destination-local-json', dir, { destination_path: join(dir, 'out') }, catalogOf([{ name: 'items' }]), lines);
    const after = Date.now();
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = readFileSync(join(dir, 'out', 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(rows.map((row) => row._airbyte_data.id)).toEqual([1, 2, 3]);
    for (const row of rows.slice(0, 2)) {
      expect(row._airbyte_extracted_at).toBeGreaterThanOrEqual(before);
      expect(row._airbyte_extracted_at).toBeLessThanOrEqual(after);
    }
    expect(rows[2]._airbyte_extracted_at).toBe(1_700_000_000_000);
    expect(result.lines.filter((line) => line.includes('"LOG"')).map((line) => JSON.parse(line).log.message)).toEqual([
      'stream items: 2 records had no numeric emitted_at; they are stamped with the time the destination received them',
    ]);
  });

  it('destination-csv and destination-sqlite store it with the time it was received', async () => {
    const dir = tempDir();
    const before = Date.now();
    const csv = await runWrite('destination-csv', dir, { destination_path: join(dir, 'out') }, catalogOf([{ name: 'items' }]), lines);
    const sqlite = await runWrite('destination-sqlite', dir, { database_path: join(dir, 'db.sqlite') }, catalogOf([{ name: 'items' }]), lines);
    const after = Date.now();
    expect(csv.exitCode, csv.stderr).toBe(0);
    expect(sqlite.exitCode, sqlite.stderr).toBe(0);
    const csvTimes = csvRows(join(dir, 'out', 'items.csv')).map((row) => Date.parse(row._airbyte_extracted_at!));
    const sqliteTimes = sqliteRows(join(dir, 'db.sqlite'), 'SELECT _airbyte_extracted_at AS t FROM items ORDER BY rowid').map((row) => Number(row.t));
    for (const times of [csvTimes, sqliteTimes]) {
      expect(times).toHaveLength(3);
      for (const time of times.slice(0, 2)) {
        expect(time).toBeGreaterThanOrEqual(before);
        expect(time).toBeLessThanOrEqual(after);
      }
      expect(times[2]).toBe(1_700_000_000_000);
    }
  });
});

describe.concurrent('deduplication compares keys and cursors exactly', () => {
  const dedupStream = { name: 'items', mode: 'append_dedup' as const, properties: { id: { type: 'integer' }, v: { type: 'integer' }, tag: { type: 'string' } }, primaryKey: [['id']], cursor: ['v'] };
  const lines = [
    recordLine('items', '{"id":12345678901234567890,"v":1,"tag":"first key"}'),
    recordLine('items', '{"id":12345678901234567891,"v":1,"tag":"second key"}'),
    recordLine('items', '{"id":7,"v":12345678901234567891,"tag":"newer"}'),
    recordLine('items', '{"id":7,"v":12345678901234567890,"tag":"older, arriving later"}'),
    completeLine('items'),
  ];

  it('destination-local-json keeps two ids beyond 2^53 apart and the greatest long cursor', async () => {
    const dir = tempDir();
    const result = await runWrite('destination-local-json', dir, { destination_path: join(dir, 'out') }, catalogOf([dedupStream]), lines);
    expect(result.exitCode, result.stderr).toBe(0);
    const tags = readFileSync(join(dir, 'out', 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data.tag);
    expect(tags.sort()).toEqual(['first key', 'newer', 'second key']);
  });

  it('destination-csv keeps two ids beyond 2^53 apart and the greatest long cursor', async () => {
    const dir = tempDir();
    const result = await runWrite('destination-csv', dir, { destination_path: join(dir, 'out') }, catalogOf([dedupStream]), lines);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(csvRows(join(dir, 'out', 'items.csv')).map((row) => row.tag).sort()).toEqual(['first key', 'newer', 'second key']);
  });
});
