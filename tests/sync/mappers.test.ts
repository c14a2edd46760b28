// `sluice sync --mappers FILE` end to end with real connectors: hash and rename into destination-sqlite, a filter
// whose dropped records are counted, an unmapped stream that passes as it would without mappers, a bad mapper
// refused before any data moves, and an incremental resume through a mapped (asynchronous: expression) stream after
// Sluice itself is killed at a deterministic point: the source holds after 6,000 records until the test lets it go
// on, the test waits until that state is committed, then kills Sluice.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorLine, fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

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

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const fakerToSqlite = (dir: string, database: string, count: number): string[] => [
  '--source', 'source-faker', '--source-config', jsonFile(dir, `faker-${count}.json`, { count }),
  '--destination', 'destination-sqlite', '--destination-config', jsonFile(dir, `${database}.json`, { database_path: join(dir, database) }),
  '--streams', 'users', '--mode', 'users=full_refresh:overwrite',
];

describe.concurrent('sluice sync --mappers', () => {
  it('hash and rename: the table has the renamed and hashed columns, equal emails hash equal, every row arrives', async () => {
    const dir = tempDir('sluice-mappers-');
    const mappers = join(dir, 'mappers.yaml');
    jsonFile(dir, 'mappers.yaml', [
      'users:',
      '  steps:',
      '    - { type: hash, field: email, algorithm: sha256 }',
      '    - { type: rename, field: name, to: full_name }',
    ].join('\n'));
    const [plain, mapped] = await Promise.all([
      sync(fakerToSqlite(dir, 'plain.sqlite', 200)),
      sync([...fakerToSqlite(dir, 'mapped.sqlite', 200), '--mappers', mappers]),
    ]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(mapped.exitCode, mapped.stderr).toBe(0);
    expect(mapped.summary).toMatchObject({ status: 'succeeded', recordsEmitted: 200, recordsCommitted: 200, recordsWritten: 200, recordsFiltered: 0, warnings: [] });
    const columns = query<{ name: string; type: string }>(join(dir, 'mapped.sqlite'), "SELECT name, type FROM pragma_table_info('users')");
    expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(['id', 'full_name', 'email', 'age']));
    expect(columns.map((column) => column.name)).not.toContain('name');
    expect(columns.find((column) => column.name === 'email')?.type).toBe('TEXT');
    const originals = query<{ id: number; name: string; email: string }>(join(dir, 'plain.sqlite'), 'SELECT id, name, email FROM users ORDER BY id');
    const rows = query<{ id: number; full_name: string; email: string }>(join(dir, 'mapped.sqlite'), 'SELECT id, full_name, email FROM users ORDER BY id');
    expect(rows).toHaveLength(200);
    expect(rows).toEqual(originals.map((row) => ({ id: row.id, full_name: row.name, email: sha256(row.email) })));
  });

  it('a filter: dropped rows are counted in the summary and only kept rows reach the destination', async () => {
    const dir = tempDir('sluice-mappers-');
    const mappers = jsonFile(dir, 'mappers.json', { users: { steps: [{ type: 'filter', keep: { field: 'age', ge: 50 } }] } });
    const [plain, filtered] = await Promise.all([
      sync(fakerToSqlite(dir, 'plain.sqlite', 300)),
      sync([...fakerToSqlite(dir, 'filtered.sqlite', 300), '--mappers', mappers]),
    ]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(filtered.exitCode, filtered.stderr).toBe(0);
    const kept = query<{ id: number }>(join(dir, 'plain.sqlite'), 'SELECT id FROM users WHERE age >= 50 ORDER BY id');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(300);
    expect(filtered.summary).toMatchObject({ status: 'succeeded', recordsEmitted: 300, recordsWritten: kept.length, recordsFiltered: 300 - kept.length, warnings: [] });
    expect(filtered.summary.streams).toEqual([expect.objectContaining({ stream: 'users', recordsEmitted: 300, recordsFiltered: 300 - kept.length })]);
    expect(query(join(dir, 'filtered.sqlite'), 'SELECT id FROM users ORDER BY id')).toEqual(kept);

    const human = await sluice(['sync', ...fakerToSqlite(dir, 'human.sqlite', 300), '--mappers', mappers]);
    expect(human.stdout).toContain(`(${300 - kept.length} filtered out by mappers)`);
  });

  it('a stream without mappers reaches the destination as its original lines, as in a sync without mappers', async () => {
    const dir = tempDir('sluice-mappers-');
    const mappers = jsonFile(dir, 'mappers.json', { users: { steps: [{ type: 'select', fields: ['id', 'updated_at'] }] } });
    const run = (name: string, extra: string[]) => sync([
      '--source', 'source-faker', '--source-config', jsonFile(dir, 'faker.json', { count: 100 }),
      '--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, `${name}.json`, { path: join(dir, `${name}.jsonl`) }),
      '--streams', 'users,products', ...extra,
    ]);
    const [plain, mapped] = await Promise.all([run('plain', []), run('mapped', ['--mappers', mappers])]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(mapped.exitCode, mapped.stderr).toBe(0);
    // The source stamps emitted_at per run; every other byte of a products line is the same.
    const lines = (name: string, stream: string): string[] => readFileSync(join(dir, `${name}.jsonl`), 'utf8').split('\n')
      .filter((line) => line.includes(`"stream":"${stream}"`))
      .map((line) => line.replace(/"emitted_at":\d+/, '"emitted_at":0'));
    expect(lines('mapped', 'products').length).toBeGreaterThan(0);
    expect(lines('mapped', 'products')).toEqual(lines('plain', 'products'));
    const users = lines('mapped', 'users').map((line) => JSON.parse(line).record.data);
    expect(users).toHaveLength(100);
    expect(Object.keys(users[0])).toEqual(['id', 'updated_at']);
  });

  it('a mapper on a field the stream does not have fails with one clear line before any data moves', async () => {
    const dir = tempDir('sluice-mappers-');
    const mappers = jsonFile(dir, 'mappers.json', { users: { steps: [{ type: 'hash', field: 'emial', salt: 'pepper-secret-9' }] } });
    const result = await sync([...fakerToSqlite(dir, 'never.sqlite', 50), '--mappers', mappers]);
    expect(result.exitCode).toBe(2);
    const line = errorLine(result.stderr);
    expect(line).toBe("sluice: mapper.invalid: users step 1 (hash), field emial: the stream's schema has no such field (it has: id, name, email, age, created_at, updated_at)");
    expect(result.stderr.split('\n').filter((l) => l.startsWith('sluice: '))).toHaveLength(1);
    expect(result.stderr).not.toContain('pepper-secret-9');
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });
});

describe('incremental resume through a mapped stream', () => {
  it('after Sluice is SIGKILLed mid-sync, the rerun resumes from the committed state and no kept record is lost', async () => {
    const COUNT = 20_000;
    const dir = tempDir('sluice-mappers-');
    // An expression (asynchronous) computes the parity, a filter drops the odd ids, a rename moves payload.
    const mappers = jsonFile(dir, 'mappers.json', {
      items: {
        steps: [
          { type: 'expression', field: 'parity', expression: 'id % 2' },
          { type: 'filter', drop: { field: 'parity', eq: 1 } },
          { type: 'rename', field: 'payload', to: 'body' },
        ],
      },
    });
    const args = (name: string, extra: object, marker: string): string[] => [
      'sync', '--json',
      '--source', fixture('counter-source.mjs'),
      '--source-config', jsonFile(dir, `${name}.json`, { count: COUNT, records_per_state: 500, ...extra }),
      '--destination', 'destination-local-json', '--destination-config', jsonFile(dir, 'destination.json', { destination_path: join(dir, 'out') }),
      '--mode', 'items=incremental:append_dedup', '--state', join(dir, 'state.json'), '--mappers', mappers, '--attempts', '1',
      '--source-env', `SLUICE_TEST_MARK=${marker}`, '--destination-env', `SLUICE_TEST_MARK=${marker}`,
    ];
    const marker = randomUUID();
    const goOn = join(dir, 'go-on');
    const run = execa(process.execPath, [sluiceBin, ...args('killed', { hold_at: [{ after: 6000, until: goOn }] }, marker)], { reject: false });
    const cursor = (): number | undefined => {
      if (!existsSync(join(dir, 'state.json'))) return undefined;
      return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))[0]?.stream?.stream_state?.cursor as number | undefined;
    };
    await waitUntil(() => cursor() === 6000, 30_000, 'the state at 6,000 records to be committed');
    run.kill('SIGKILL');
    expect((await run).exitCode).not.toBe(0);
    // The orphaned source, let go on, finds its output closed and exits.
    jsonFile(dir, 'go-on', '');
    await waitUntil(() => pidsWithEnv('SLUICE_TEST_MARK', marker).length === 0, 20_000, 'orphaned connectors to exit');
    const resumedFrom = cursor()!;
    expect(resumedFrom).toBe(6000);

    const rerun = await sluice(args('rerun', {}, randomUUID()));
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(summary).toMatchObject({ recordsEmitted: COUNT - resumedFrom, recordsFiltered: (COUNT - resumedFrom) / 2, warnings: [] });
    const rows = readFileSync(join(dir, 'out', 'items.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data);
    const ids = rows.map((row) => row.id as number);
    expect(ids).toHaveLength(COUNT / 2);
    expect(new Set(ids).size).toBe(COUNT / 2);
    expect(ids.every((id) => id % 2 === 0)).toBe(true);
    expect(rows[0]).toEqual({ id: rows[0].id, updated_at: rows[0].id, body: `row ${rows[0].id} of items`, parity: 0 });
  });
});
