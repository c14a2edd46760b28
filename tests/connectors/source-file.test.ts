// source-file through the CLI: CSV quoting edge cases, JSON lines, JSON arrays, gzip, globs, http URLs,
// incremental reads from a state, and check failing with the path named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CsvParser, formatCsvRecord } from '../../connectors/kit/csv.js';
import { defineAcceptanceSuite } from '../../acceptance/suite.js';
import { execa } from 'execa';
import { jsonFile, jsonLines, repoRoot, sluice, tempDir } from '../support/cli.js';

// Reads run the built connector directly (half the start-up time of going through the CLI); check and discover go
// through the CLI, which also proves the registry entry.
const connector = join(repoRoot, 'dist/connectors/source-file/main.js');

const dir = tempDir('sluice-source-file-');

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

async function discover(config: Record<string, unknown>): Promise<Record<string, any>> {
  const result = await sluice(['discover', 'source-file', '--config', jsonFile(dir, `c-${Math.random()}.json`, config), '--json']);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout).streams[0];
}

/** Reads the one stream of a config and returns its records' data and the states it emitted. */
async function read(config: Record<string, unknown>, options: { name: string; incremental?: boolean; state?: unknown }) {
  const catalog = {
    streams: [
      {
        stream: { name: options.name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
        sync_mode: options.incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: options.incremental ? 'append' : 'overwrite',
      },
    ],
  };
  const args = ['read', '--config', jsonFile(dir, `c-${Math.random()}.json`, config), '--catalog', jsonFile(dir, `cat-${Math.random()}.json`, catalog)];
  if (options.state !== undefined) args.push('--state', jsonFile(dir, `s-${Math.random()}.json`, options.state));
  const result = await execa(process.execPath, [connector, ...args], { reject: false });
  const messages = jsonLines(result.stdout);
  const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  return {
    exitCode: result.exitCode,
    error: error?.trace.error.message as string | undefined,
    rows: messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data),
    states: messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state),
    logs: messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string),
  };
}

const EDGE_CSV =
  'id;name;score;active;seen_at;note\r\n' +
  '1;"Smith; John";1.5;true;2024-01-01T10:00:00Z;"he said ""hi""\nand left"\r\n' +
  '2;;2;FALSE;2024-01-02T10:00:00+02:00;""\r\n' +
  '\r\n' +
  '3;"multi\r\nline";;true;;plain\n' +
  '4;"""quoted""";-0.25;false;2024-01-04T10:00:00.123Z;x';
const edgePath = write('edge.csv', EDGE_CSV);

defineAcceptanceSuite({
  connector: 'source-file',
  config: { path: write('acceptance.csv', 'id,updated_at,name\n1,2024-01-01T00:00:00Z,a\n2,2024-01-02T00:00:00Z,b\n'), cursor_field: 'updated_at', primary_key: 'id' },
  invalidConfig: { path: join(dir, 'missing.csv') },
});

describe.concurrent('CSV', () => {
  it('reads quoted delimiters, doubled quotes, quoted line breaks, CRLF, blank lines and a last line without a break', async () => {
    const { rows, exitCode } = await read({ path: edgePath, delimiter: ';' }, { name: 'edge' });
    expect(exitCode).toBe(0);
    expect(rows).toEqual([
      { id: 1, name: 'Smith; John', score: 1.5, active: true, seen_at: '2024-01-01T10:00:00Z', note: 'he said "hi"\nand left' },
      { id: 2, name: null, score: 2, active: false, seen_at: '2024-01-02T10:00:00+02:00', note: '' },
      { id: 3, name: 'multi\r\nline', score: null, active: true, seen_at: null, note: 'plain' },
      { id: 4, name: '"quoted"', score: -0.25, active: false, seen_at: '2024-01-04T10:00:00.123Z', note: 'x' },
    ]);
  });

  it('infers nullable integer, number, boolean, date-time and string columns', async () => {
    const stream = await discover({ path: edgePath, delimiter: ';' });
    expect(stream.name).toBe('edge');
    expect(stream.supported_sync_modes).toEqual(['full_refresh']);
    expect(stream.json_schema.properties).toEqual({
      id: { type: ['null', 'integer'] },
      name: { type: ['null', 'string'] },
      score: { type: ['null', 'number'] },
      active: { type: ['null', 'boolean'] },
      seen_at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      note: { type: ['null', 'string'] },
    });
  });

  it('keeps a value the sample did not foresee as text and warns once', async () => {
    const path = write('late.csv', 'n\n1\n2\n3\nthree\nfour\n');
    const { rows, logs } = await read({ path, infer_rows: 3 }, { name: 'late' });
    expect(rows.map((row) => row.n)).toEqual([1, 2, 3, 'three', 'four']);
    expect(logs.filter((log) => log.startsWith('column n:'))).toEqual([
      'column n: "three" is not an integer like the sampled rows; sent as text (raise infer_rows to sample more rows)',
    ]);
  });

  it('fails naming the file and row when a row has more fields than the header', async () => {
    const path = write('ragged.csv', 'a,b\n1,2\n3,4,5\n');
    const { exitCode, error } = await read({ path }, { name: 'ragged' });
    expect(exitCode).toBe(1);
    expect(error).toBe(`${path}: data row 2 has 3 fields but the header has 2`);
  });

  it('parses the same records whatever the chunk boundaries, and round-trips null and the empty string', () => {
    const expected = new CsvParser(';').push(EDGE_CSV).concat();
    for (let size = 1; size <= 7; size++) {
      const parser = new CsvParser(';');
      const records = [];
      for (let i = 0; i < EDGE_CSV.length; i += size) records.push(...parser.push(EDGE_CSV.slice(i, i + size)));
      records.push(...parser.end());
      expect(records).toHaveLength(5);
      expect(records.slice(0, 4)).toEqual(expected);
    }
    const values = [null, '', 'a,b', 'say "x"', 'line\nbreak', 7, { nested: [1] }];
    const parser = new CsvParser();
    expect([...parser.push(formatCsvRecord(values)), ...parser.end()]).toEqual([[null, '', 'a,b', 'say "x"', 'line\nbreak', '7', '{"nested":[1]}']]);
  });
});

describe.concurrent('JSON', () => {
  it('reads JSON lines, skipping blank lines, with union types where values differ', async () => {
    const path = write('events.jsonl', '{"id":1,"kind":"a","at":"2024-05-01T00:00:00Z","tags":["x"]}\n\n{"id":2,"kind":3,"at":null,"meta":{"k":1}}\r\n');
    const { rows } = await read({ path }, { name: 'events' });
    expect(rows).toEqual([
      { id: 1, kind: 'a', at: '2024-05-01T00:00:00Z', tags: ['x'] },
      { id: 2, kind: 3, at: null, meta: { k: 1 } },
    ]);
    const stream = await discover({ path });
    expect(stream.json_schema.properties).toEqual({
      id: { type: ['null', 'integer'] },
      kind: { type: ['null', 'string', 'integer'] },
      at: { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      tags: { type: ['null', 'array'] },
      meta: { type: ['null', 'object'] },
    });
  });

  it('streams a JSON array element by element, strings with brackets and escapes included', async () => {
    const elements = Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, text: `a ] } \\" [ { ${'é'.repeat(i % 50)}`, nested: { list: [i, [i]] } }));
    const path = write('big.json', ` \n[\n${elements.map((e) => JSON.stringify(e, null, e.id % 2 === 0 ? 2 : 0)).join(' ,\n')}\n]\n`);
    const { rows, exitCode } = await read({ path }, { name: 'big' });
    expect(exitCode).toBe(0);
    expect(rows).toEqual(elements);
  });

  it('fails naming the file when an element of the array is not an object', async () => {
    const path = write('numbers.json', '[{"a":1}, 2]');
    const { exitCode, error } = await read({ path }, { name: 'numbers' });
    expect(exitCode).toBe(1);
    expect(error).toBe(`${path}: element 2 of the array is not an object`);
  });
});

describe.concurrent('gzip', () => {
  it('gunzips a .gz file, and a file whose bytes are gzip whatever its name (auto)', async () => {
    const csv = 'id,city\n1,Paris\n2,"Rio, Brazil"\n';
    const byName = write('cities.csv.gz', gzipSync(csv));
    const bySniff = write('sniffed.csv', gzipSync(csv));
    for (const [path, name] of [[byName, 'cities'], [bySniff, 'sniffed']] as const) {
      const { rows } = await read({ path }, { name });
      expect(rows).toEqual([{ id: 1, city: 'Paris' }, { id: 2, city: 'Rio, Brazil' }]);
    }
    const forced = await read({ path: write('plain.jsonl.gz', gzipSync('{"a":1}\n')), compression: 'gzip' }, { name: 'plain' });
    expect(forced.rows).toEqual([{ a: 1 }]);
  });
});

describe.concurrent('globs', () => {
  it('reads every file a glob matches, in path order, as one stream named after the pattern', async () => {
    write('glob/2024/orders_01.csv', 'id,total\n1,10\n2,20\n');
    write('glob/2024/orders_02.csv', 'id,total\n3,30.5\n');
    write('glob/2025/q1/orders_03.csv', 'id,total\n4,40\n');
    write('glob/2025/notes.txt', 'not a csv');
    const pattern = join(dir, 'glob/**/orders_*.csv');
    const stream = await discover({ path: pattern });
    expect(stream.name).toBe('orders');
    expect(stream.json_schema.properties.total).toEqual({ type: ['null', 'number'] });
    const { rows } = await read({ path: pattern }, { name: 'orders' });
    expect(rows).toEqual([{ id: 1, total: 10 }, { id: 2, total: 20 }, { id: 3, total: 30.5 }, { id: 4, total: 40 }]);
    const shallow = await read({ path: join(dir, 'glob/*/orders_0?.csv'), stream_name: 'top' }, { name: 'top' });
    expect(shallow.rows.map((row) => row.id)).toEqual([1, 2, 3]);
  });
});

describe.concurrent('http URLs', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/data/people.json.gz') {
        response.writeHead(200, { 'content-type': 'application/gzip' });
        response.end(gzipSync(JSON.stringify([{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }])));
      } else if (request.url?.startsWith('/export?')) {
        response.writeHead(200, { 'content-type': 'text/csv' });
        // Sent in small pieces, so rows cross chunk boundaries.
        const body = 'id,name\n1,"Lin\nus"\n2,Ken\n';
        let at = 0;
        const next = (): void => {
          if (at >= body.length) return void response.end();
          response.write(body.slice(at, (at += 3)));
          setTimeout(next, 1);
        };
        next();
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('no');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads a gzip JSON array and a streamed CSV over http', async () => {
    const people = await read({ path: `${base}/data/people.json.gz` }, { name: 'people' });
    expect(people.rows).toEqual([{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }]);
    const exported = await read({ path: `${base}/export?format=csv`, format: 'csv', stream_name: 'export' }, { name: 'export' });
    expect(exported.rows).toEqual([{ id: 1, name: 'Lin\nus' }, { id: 2, name: 'Ken' }]);
  });

  it('check fails naming the URL and the status when the server answers 404', async () => {
    const result = await sluice(['check', 'source-file', '--config', jsonFile(dir, 'missing-url.json', { path: `${base}/missing.csv` }), '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'FAILED', message: `cannot read ${base}/missing.csv: the server answered 404 Not Found` });
  });
});

describe.concurrent('incremental', () => {
  it('offers incremental with cursor_field and reads only rows at or after the saved cursor', async () => {
    const path = write('changes.csv', 'id,updated_at\n1,2024-01-01T00:00:00Z\n2,2024-01-02T00:00:00Z\n3,2024-01-03T00:00:00Z\n4,2024-01-04T00:00:00Z\n');
    const config = { path, cursor_field: 'updated_at', primary_key: 'id' };
    const stream = await discover(config);
    expect(stream).toMatchObject({ supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] });
    const first = await read(config, { name: 'changes', incremental: true });
    expect(first.rows).toHaveLength(4);
    expect(first.states.at(-1)).toEqual({ updated_at: '2024-01-04T00:00:00Z' });
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'changes' }, stream_state: { updated_at: '2024-01-03T00:00:00Z' } } }];
    const second = await read(config, { name: 'changes', incremental: true, state });
    expect(second.rows.map((row) => row.id)).toEqual([3, 4]);
  });

  it('check fails when the cursor field is not a column', async () => {
    const path = join(dir, 'changes.csv');
    const result = await sluice(['check', 'source-file', '--config', jsonFile(dir, 'bad-cursor.json', { path, cursor_field: 'modified' }), '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'FAILED', message: `cursor_field modified is not a column of ${path} (its columns: id, updated_at)` });
  });
});

describe.concurrent('check', () => {
  it('fails naming the path when the file does not exist or the glob matches nothing', async () => {
    const missing = join(dir, 'nowhere', 'data.csv');
    const result = await sluice(['check', 'source-file', '--config', jsonFile(dir, 'missing.json', { path: missing })]);
    expect(result, result.stderr).toMatchObject({ exitCode: 1, stdout: `FAILED: cannot read ${missing}: no such file` });
    const pattern = join(dir, 'nowhere', '*.csv');
    const glob = await sluice(['check', 'source-file', '--config', jsonFile(dir, 'missing-glob.json', { path: pattern })]);
    expect(glob.stdout).toBe(`FAILED: no file matches ${pattern}`);
  });

  it('succeeds on a readable file', async () => {
    const result = await sluice(['check', 'source-file', '--config', jsonFile(dir, 'ok.json', { path: edgePath, delimiter: ';' })]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'SUCCEEDED' });
    expect(readFileSync(edgePath, 'utf8')).toBe(EDGE_CSV);
  });
});
