// destination-sqlite through real syncs (`sluice sync`), checked by reading the database with better-sqlite3:
// typed tables, overwrite / append / append_dedup, a second incremental run, new columns, and the overwrite swap.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import Database from 'better-sqlite3';
import { fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';
import { catalogOf, completeLine, recordLine, runWrite, streamStateLine } from '../support/destination.js';
import { defineAcceptanceSuite } from '../../acceptance/suite.js';

defineAcceptanceSuite({
  connector: 'destination-sqlite',
  config: { database_path: join(tempDir('sluice-sqlite-'), 'acceptance.sqlite') },
  invalidConfig: { database_path: '/dev/null/acceptance.sqlite' },
});

async function sync(args: string[]) {
  const result = await sluice(['sync', '--json', ...args]);
  return { ...result, summary: result.stdout.trim() ? JSON.parse(result.stdout) : undefined };
}

function query<T = Record<string, any>>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const tables = (path: string): string[] => query<{ name: string }>(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((row) => row.name);
const count = (path: string, table: string): number => query<{ n: number }>(path, `SELECT count(*) AS n FROM "${table}"`)[0]!.n;

function setUp() {
  const dir = tempDir('sluice-sqlite-');
  const database = join(dir, 'db', 'warehouse.sqlite');
  return { dir, database, destination: jsonFile(dir, 'sqlite.json', { database_path: database }) };
}

describe.concurrent('destination-sqlite', () => {
  it('overwrite: typed columns, and each run replaces the table', async () => {
    const { dir, database, destination } = setUp();
    const run = (n: number) =>
      sync(['--source', 'source-faker', '--source-config', jsonFile(dir, `faker-${n}.json`, { count: n }), '--destination', 'destination-sqlite', '--destination-config', destination, '--streams', 'users,products', '--mode', 'users=full_refresh:overwrite', '--mode', 'products=full_refresh:overwrite']);
    const first = await run(50);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.summary).toMatchObject({ status: 'succeeded', recordsCommitted: 55 });
    expect(tables(database)).toEqual(['products', 'users']);
    expect(query(database, 'SELECT name, type FROM pragma_table_info(\'products\')')).toEqual([
      { name: '_airbyte_raw_id', type: 'TEXT' },
      { name: '_airbyte_extracted_at', type: 'INTEGER' },
      { name: '_airbyte_meta', type: 'TEXT' },
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'TEXT' },
      { name: 'category', type: 'TEXT' },
      { name: 'price', type: 'REAL' },
      { name: 'updated_at', type: 'TEXT' },
    ]);
    const [row] = query(database, 'SELECT typeof(id) AS id, typeof(price) AS price, typeof(updated_at) AS updated_at, typeof(_airbyte_extracted_at) AS extracted, _airbyte_meta AS meta FROM products LIMIT 1');
    expect(row).toEqual({ id: 'integer', price: 'real', updated_at: 'text', extracted: 'integer', meta: '{"changes":[]}' });

    expect((await run(30)).exitCode).toBe(0);
    expect(count(database, 'users')).toBe(30);
    expect(count(database, 'products')).toBe(3);
    expect(tables(database)).toEqual(['products', 'users']);
  });

  it('append adds the rows again on each run', async () => {
    const { dir, database, destination } = setUp();
    const args = ['--source', 'source-faker', '--source-config', jsonFile(dir, 'faker.json', { count: 40 }), '--destination', 'destination-sqlite', '--destination-config', destination, '--streams', 'users', '--mode', 'users=full_refresh:append'];
    expect((await sync(args)).exitCode).toBe(0);
    expect((await sync(args)).exitCode).toBe(0);
    expect(count(database, 'users')).toBe(80);
    expect(query(database, 'SELECT count(DISTINCT id) AS n FROM users')[0]!.n).toBe(40);
  });

  it('append_dedup with a state: a second incremental run adds only new rows, one per key', async () => {
    const { dir, database, destination } = setUp();
    const state = join(dir, 'state.json');
    const run = (n: number) =>
      sync(['--source', 'source-faker', '--source-config', jsonFile(dir, `faker-${n}.json`, { count: n, records_per_state: 25 }), '--destination', 'destination-sqlite', '--destination-config', destination, '--streams', 'users,purchases', '--state', state]);
    const first = await run(100);
    expect(first.summary).toMatchObject({ status: 'succeeded', recordsCommitted: 200 });
    const second = await run(130);
    // The row at the saved cursor is read again (cursors are inclusive) and deduplicated.
    expect(second.summary.recordsEmitted).toBeLessThanOrEqual(62);
    for (const table of ['users', 'purchases']) {
      expect(count(database, table)).toBe(130);
      expect(query(database, `SELECT count(DISTINCT id) AS n FROM ${table}`)[0]!.n).toBe(130);
    }
    expect(query(database, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").map((row) => row.name)).toEqual([
      'purchases__sluice_pk',
      'users__sluice_pk',
    ]);
  });

  it('append_dedup: the greatest cursor per key wins, a later row wins a tie; booleans are 0/1 and objects JSON', async () => {
    const { dir, database, destination } = setUp();
    const file = join(dir, 'changes.jsonl');
    const rows = [
      { id: 1, version: 'new', updated_at: 5, active: true, meta: { k: 1 } },
      { id: 1, version: 'old', updated_at: 3, active: false, meta: { k: 0 } },
      { id: 2, version: 'first', updated_at: 7, active: false, meta: null },
      { id: 2, version: 'second', updated_at: 7, active: true, meta: { k: 2 } },
      { id: 3, version: 'only', updated_at: 1, active: null, meta: [1, 2] },
    ];
    writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n'));
    const source = jsonFile(dir, 'file.json', { path: file, primary_key: 'id', cursor_field: 'updated_at' });
    const result = await sync(['--source', 'source-file', '--source-config', source, '--destination', 'destination-sqlite', '--destination-config', destination]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(query(database, 'SELECT id, version, updated_at, active, meta FROM changes ORDER BY id')).toEqual([
      { id: 1, version: 'new', updated_at: 5, active: 1, meta: '{"k":1}' },
      { id: 2, version: 'second', updated_at: 7, active: 1, meta: '{"k":2}' },
      { id: 3, version: 'only', updated_at: 1, active: null, meta: '[1,2]' },
    ]);
    // An older version of a key arriving in a later sync does not replace the newer one.
    writeFileSync(file, JSON.stringify({ id: 1, version: 'stale', updated_at: 4, active: false, meta: {} }) + '\n' + JSON.stringify({ id: 3, version: 'newer', updated_at: 2, active: false, meta: {} }));
    expect((await sync(['--source', 'source-file', '--source-config', source, '--destination', 'destination-sqlite', '--destination-config', destination])).exitCode).toBe(0);
    expect(query(database, 'SELECT id, version FROM changes ORDER BY id')).toEqual([
      { id: 1, version: 'new' },
      { id: 2, version: 'second' },
      { id: 3, version: 'newer' },
    ]);
  });

  it('append_dedup within one batch of 40 rows (inserted 16 to a statement): the greatest cursor per key wins, a later row wins a tie', async () => {
    const dir = tempDir();
    const database = join(dir, 'batch.sqlite');
    // Row i: key i % 4 + 1, cursor i; except row 16 (key 1, cursor 100: beats every later row of key 1), rows 26 and
    // 30 (key 3, both cursor 30: the later wins, within one statement), row 33 (key 2, cursor 29: ties row 29, wins
    // from the single-row tail) and the other rows from 32 on (cursor 0: lose).
    const cursorOf = (i: number) => ({ 16: 100, 26: 30, 33: 29 })[i] ?? (i < 32 ? i : 0);
    const lines = Array.from({ length: 40 }, (_, i) => recordLine('changes', JSON.stringify({ id: (i % 4) + 1, version: `v${i}`, updated_at: cursorOf(i) })));
    const catalog = catalogOf([{ name: 'changes', mode: 'append_dedup', primaryKey: [['id']], cursor: ['updated_at'], properties: { id: { type: 'integer' }, version: { type: 'string' }, updated_at: { type: 'integer' } } }]);
    const result = await runWrite('destination-sqlite', dir, { database_path: database }, catalog, [...lines, streamStateLine('changes', '{"cursor":1}'), completeLine('changes')]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(query(database, 'SELECT id, version, updated_at FROM changes ORDER BY id')).toEqual([
      { id: 1, version: 'v16', updated_at: 100 },
      { id: 2, version: 'v33', updated_at: 29 },
      { id: 3, version: 'v30', updated_at: 30 },
      { id: 4, version: 'v31', updated_at: 31 },
    ]);
  });

  it('a property new in a later sync becomes a new column; older rows hold null', async () => {
    const { dir, database, destination } = setUp();
    const file = join(dir, 'people.csv');
    const source = jsonFile(dir, 'file.json', { path: file });
    const args = ['--source', 'source-file', '--source-config', source, '--destination', 'destination-sqlite', '--destination-config', destination, '--mode', 'people=full_refresh:append'];
    writeFileSync(file, 'id,name\n1,Ada\n');
    expect((await sync(args)).exitCode).toBe(0);
    writeFileSync(file, 'id,name,born\n2,Grace,1906\n');
    expect((await sync(args)).exitCode).toBe(0);
    expect(query(database, 'SELECT id, name, born FROM people ORDER BY id')).toEqual([
      { id: 1, name: 'Ada', born: null },
      { id: 2, name: 'Grace', born: 1906 },
    ]);
    expect(query(database, "SELECT type FROM pragma_table_info('people') WHERE name = 'born'")).toEqual([{ type: 'INTEGER' }]);
  });

  it('overwrite keeps the previous table, readable, while the sync runs and when the destination dies mid-sync', async () => {
    const { dir, database, destination } = setUp();
    const mode = ['--mode', 'items=full_refresh:overwrite', '--attempts', '1'];
    const first = await sync(['--source', fixture('counter-source.mjs'), '--source-config', jsonFile(dir, 'small.json', { count: 100 }), '--destination', 'destination-sqlite', '--destination-config', destination, ...mode]);
    expect(first.exitCode, first.stderr).toBe(0);

    const marker = randomUUID();
    const slow = jsonFile(dir, 'slow.json', { count: 50_000, records_per_state: 500, delay_ms_every: [1000, 100] });
    const run = execa(process.execPath, [sluiceBin, 'sync', '--json', '--source', fixture('counter-source.mjs'), '--source-config', slow, '--destination', 'destination-sqlite', '--destination-config', destination, '--destination-env', `SLUICE_TEST_MARK=${marker}`, '--state', join(dir, 'state.json'), ...mode], { reject: false });
    // Mid-sync, after the first commit: the new rows are in the side table, readers still see the old table.
    await waitUntil(() => existsSync(join(dir, 'state.json')), 30_000, 'the first commit');
    expect(count(database, 'items')).toBe(100);
    expect(count(database, '_sluice_tmp_items')).toBeGreaterThan(0);
    for (const pid of pidsWithEnv('SLUICE_TEST_MARK', marker)) process.kill(pid, 'SIGKILL');
    const killed = await run;
    expect(killed.exitCode).not.toBe(0);
    expect(count(database, 'items')).toBe(100);
    expect(query(database, 'SELECT max(id) AS id FROM items')[0]!.id).toBe(100);
  });

  // The destination swaps an overwritten table in only when Sluice reports the stream COMPLETE.
  it('overwrite keeps the previous table when the source fails midway', async () => {
    const { dir, database, destination } = setUp();
    const args = (config: string) => ['--source', fixture('counter-source.mjs'), '--source-config', config, '--destination', 'destination-sqlite', '--destination-config', destination, '--mode', 'items=full_refresh:overwrite', '--attempts', '1'];
    expect((await sync(args(jsonFile(dir, 'small.json', { count: 100 })))).exitCode).toBe(0);
    const failing = jsonFile(dir, 'failing.json', { count: 1000, records_per_state: 100, fail_once: { after: 500, marker: join(dir, 'failed-once') } });
    const result = await sync(args(failing));
    expect(result.exitCode).not.toBe(0);
    expect(count(database, 'items')).toBe(100);
  });

  it('check fails naming the path when the database cannot be created', async () => {
    const dir = tempDir('sluice-sqlite-');
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const result = await sluice(['check', 'destination-sqlite', '--config', jsonFile(dir, 'bad.json', { database_path: join(blocker, 'x.sqlite') })]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^FAILED: cannot open the database ${join(blocker, 'x.sqlite')}: `));
  });
});
