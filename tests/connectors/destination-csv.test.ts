// destination-csv through real syncs (`sluice sync`), checked by parsing the files it wrote: header, quoting,
// nested values, overwrite / append / append_dedup, a widened header, and recovery after the destination dies.
import { describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { CsvParser } from '../../connectors/kit/csv.js';
import { fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';
import { defineAcceptanceSuite } from '../../acceptance/suite.js';

defineAcceptanceSuite({
  connector: 'destination-csv',
  config: { destination_path: join(tempDir('sluice-csv-'), 'acceptance') },
  invalidConfig: { destination_path: '/dev/null/acceptance' },
});

async function sync(args: string[]) {
  const result = await sluice(['sync', '--json', ...args]);
  return { ...result, summary: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}

/** The file's header and rows (objects keyed by the header). */
function readCsv(path: string): { header: string[]; rows: Array<Record<string, string | null>> } {
  const parser = new CsvParser();
  const [header, ...records] = [...parser.push(readFileSync(path, 'utf8')), ...parser.end()];
  const names = header!.map(String);
  return { header: names, rows: records.map((record) => Object.fromEntries(names.map((name, i) => [name, record[i] ?? null]))) };
}

function setUp() {
  const dir = tempDir('sluice-csv-');
  const out = join(dir, 'out');
  return { dir, out, destination: jsonFile(dir, 'csv.json', { destination_path: out }) };
}

describe.concurrent('destination-csv', () => {
  it('overwrite: a header from the schema, CRLF records, and each run replaces the file', async () => {
    const { dir, out, destination } = setUp();
    const run = (n: number) =>
      sync(['--source', 'source-faker', '--source-config', jsonFile(dir, `faker-${n}.json`, { count: n }), '--destination', 'destination-csv', '--destination-config', destination, '--streams', 'users', '--mode', 'users=full_refresh:overwrite']);
    const first = await run(30);
    expect(first.exitCode, first.stderr).toBe(0);
    const text = readFileSync(join(out, 'users.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe('_airbyte_raw_id,_airbyte_extracted_at,id,name,email,age,created_at,updated_at');
    expect(text.endsWith('\r\n')).toBe(true);
    const { rows } = readCsv(join(out, 'users.csv'));
    expect(rows).toHaveLength(30);
    expect(rows[0]).toMatchObject({ id: '1', created_at: '2024-01-01T00:00:01.000Z' });
    expect(rows[0]!._airbyte_extracted_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rows[0]!._airbyte_raw_id).toMatch(/^[0-9a-f-]{36}$/);

    expect((await run(12)).exitCode).toBe(0);
    expect(readCsv(join(out, 'users.csv')).rows).toHaveLength(12);
    expect(readdirSync(out)).toEqual(['users.csv']);
  });

  it('append writes the header once and adds the rows on each run; a new property widens the header', async () => {
    const { dir, out, destination } = setUp();
    const file = join(dir, 'people.csv');
    const args = ['--source', 'source-file', '--source-config', jsonFile(dir, 'file.json', { path: file }), '--destination', 'destination-csv', '--destination-config', destination, '--mode', 'people=full_refresh:append'];
    writeFileSync(file, 'id,name\n1,Ada\n2,"Hopper, Grace"\n');
    expect((await sync(args)).exitCode).toBe(0);
    expect((await sync(args)).exitCode).toBe(0);
    writeFileSync(file, 'id,name,born\n3,Barbara,1939\n');
    expect((await sync(args)).exitCode).toBe(0);
    const { header, rows } = readCsv(join(out, 'people.csv'));
    expect(header).toEqual(['_airbyte_raw_id', '_airbyte_extracted_at', 'id', 'name', 'born']);
    expect(rows.map(({ id, name, born }) => [id, name, born])).toEqual([
      ['1', 'Ada', null],
      ['2', 'Hopper, Grace', null],
      ['1', 'Ada', null],
      ['2', 'Hopper, Grace', null],
      ['3', 'Barbara', '1939'],
    ]);
    expect(readdirSync(out)).toEqual(['people.csv']);
  });

  it('append_dedup keeps the greatest cursor per key (numbers compared as numbers, later row on a tie); quoting and nested values', async () => {
    const { dir, out, destination } = setUp();
    const file = join(dir, 'changes.jsonl');
    const source = jsonFile(dir, 'file.json', { path: file, primary_key: 'id', cursor_field: 'version' });
    const args = ['--source', 'source-file', '--source-config', source, '--destination', 'destination-csv', '--destination-config', destination];
    const lines = (rows: object[]) => rows.map((row) => JSON.stringify(row)).join('\n');
    writeFileSync(file, lines([
      { id: 1, version: 10, note: 'ten, "quoted"', tags: ['a', 'b'], extra: { deep: { x: 1 } } },
      { id: 1, version: 9, note: 'nine', tags: [], extra: null },
      { id: 2, version: 3, note: 'first', tags: null, extra: null },
      { id: 2, version: 3, note: 'line\nbreak', tags: null, extra: {} },
      { id: 3, version: 1, note: '', tags: null, extra: null },
    ]));
    const first = await sync(args);
    expect(first.exitCode, first.stderr).toBe(0);
    const expected = [
      { id: '1', version: '10', note: 'ten, "quoted"', tags: '["a","b"]', extra: '{"deep":{"x":1}}' },
      { id: '2', version: '3', note: 'line\nbreak', tags: null, extra: '{}' },
      { id: '3', version: '1', note: '', tags: null, extra: null },
    ];
    expect(readCsv(join(out, 'changes.csv')).rows.map(({ _airbyte_raw_id, _airbyte_extracted_at, ...row }) => row)).toEqual(expected);
    // A later sync: an older version of key 1 loses, a newer version of key 3 wins.
    writeFileSync(file, lines([{ id: 1, version: 2, note: 'stale', tags: null, extra: null }, { id: 3, version: 4, note: 'newer', tags: null, extra: null }]));
    expect((await sync(args)).exitCode).toBe(0);
    const rows = readCsv(join(out, 'changes.csv')).rows.map(({ id, version, note }) => [id, version, note]);
    expect(rows).toEqual([['1', '10', 'ten, "quoted"'], ['2', '3', 'line\nbreak'], ['3', '4', 'newer']]);
    expect(readdirSync(out)).toEqual(['changes.csv']);
  });

  it('after the destination dies mid-sync, the next append cuts the uncommitted tail and the file stays well-formed', async () => {
    const { dir, out, destination } = setUp();
    const marker = randomUUID();
    const state = join(dir, 'state.json');
    const source = jsonFile(dir, 'slow.json', { count: 20_000, records_per_state: 500, delay_ms_every: [1000, 100] });
    const args = ['sync', '--json', '--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-csv', '--destination-config', destination, '--mode', 'items=incremental:append', '--state', state, '--attempts', '1'];
    const run = execa(process.execPath, [sluiceBin, ...args, '--destination-env', `SLUICE_TEST_MARK=${marker}`], { reject: false });
    await waitUntil(() => existsSync(state), 30_000, 'the first commit');
    for (const pid of pidsWithEnv('SLUICE_TEST_MARK', marker)) process.kill(pid, 'SIGKILL');
    expect((await run).exitCode).not.toBe(0);
    // What a write cut short by the crash would leave: half a record with an open quote.
    expect(existsSync(join(out, '.items.csv.committed'))).toBe(true);
    appendFileSync(join(out, 'items.csv'), '5b1f,2026-01-01T00:00:00.000Z,999999,"torn');

    const rerun = await sluice(args);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const ids = readCsv(join(out, 'items.csv')).rows.map((row) => Number(row.id));
    expect(ids).not.toContain(999999);
    expect(new Set(ids).size).toBe(20_000);
    expect(readdirSync(out)).toEqual(['items.csv']);
  });

  it('check fails naming the directory when it cannot be created', async () => {
    const dir = tempDir('sluice-csv-');
    writeFileSync(join(dir, 'a-file'), '');
    const target = join(dir, 'a-file', 'out');
    const result = await sluice(['check', 'destination-csv', '--config', jsonFile(dir, 'bad.json', { destination_path: target })]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^FAILED: cannot write to ${target}: `));
  });
});
