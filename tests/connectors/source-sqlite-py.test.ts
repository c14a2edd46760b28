// source-sqlite-py, the built-in connector written in Python, through the CLI: spec, check, discover and read of a
// database with typed tables (NULLs, a BLOB, unicode and quotes, no primary key, WITHOUT ROWID, a view);
// incremental syncs into destination-local-json from a state file; check naming a missing file; the acceptance
// tests by name, and against its Docker image with a test database baked in.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, jsonFile, jsonLines, repoRoot, sluice, tempDir } from '../support/cli.js';
import { imagesAvailability } from '../support/services.js';
import { builtinCommand, findBuiltinConnector } from '../../runtime/launchers/builtin-connectors.js';

const dir = tempDir('sluice-source-sqlite-py-');

const SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  score REAL,
  active BOOLEAN,
  balance DECIMAL(10, 2),
  avatar BLOB,
  born DATE,
  updated_at DATETIME NOT NULL
);
INSERT INTO users VALUES
  (1, 'Zoë "Z" O''Brien — ☃ 日本', 1.5, 1, 12.5, X'00FF10', '1990-02-03', '2024-01-01 10:00:00'),
  (2, 'bob', NULL, 0, NULL, NULL, NULL, '2024-01-02 10:00:00'),
  (3, 'carol', -2.25, 1, 7, X'', '2000-01-31', '2024-01-03 10:00:00');
CREATE TABLE events (kind TEXT, payload VARCHAR(100), at INTEGER);
INSERT INTO events VALUES ('click', '{"x": 1}', 1700000000), ('view', NULL, NULL), (NULL, NULL, 3);
CREATE TABLE tags (owner TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (owner, tag)) WITHOUT ROWID;
INSERT INTO tags VALUES ('bob', 'x'), ('alice', 'y'), ('alice', 'a');
CREATE VIEW active_users AS SELECT id, name FROM users WHERE active;
`;

/** Runs SQL against a database file with Python's sqlite3 (creating the file when it does not exist). */
async function runSql(path: string, script: string): Promise<void> {
  const code = 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\nc.close()';
  await execa('python3', ['-c', code, path, script]);
}

async function createDatabase(path: string): Promise<string> {
  await runSql(path, SCHEMA);
  return path;
}

let database: string;
let config: string;
const missing = join(dir, 'missing.db');
const missingConfig = jsonFile(dir, 'missing.json', { database_path: missing });

beforeAll(async () => {
  database = await createDatabase(join(dir, 'test.db'));
  config = jsonFile(dir, 'config.json', { database_path: database, cursor_field: { users: 'updated_at' }, chunk_size: 2 });
});

describe.concurrent('spec, check and discover by name', () => {
  it('spec describes database_path, tables, cursor_field and chunk_size', async () => {
    const result = await sluice(['spec', 'source-sqlite-py', '--json']);
    expect(result.exitCode).toBe(0);
    const schema = JSON.parse(result.stdout).connectionSpecification;
    expect(schema.required).toEqual(['database_path']);
    expect(Object.keys(schema.properties)).toEqual(['database_path', 'tables', 'cursor_field', 'chunk_size']);
    expect(schema.properties.chunk_size.default).toBe(10000);
  });

  it('check succeeds and counts the tables and views', async () => {
    const result = await sluice(['check', 'source-sqlite-py', '--config', config]);
    expect(result).toMatchObject({ exitCode: 0, stdout: `SUCCEEDED: 3 table(s) and 1 view(s) readable in ${database}` });
  });

  it('check fails naming the database file when it does not exist', async () => {
    const result = await sluice(['check', 'source-sqlite-py', '--config', missingConfig]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(`FAILED: the database file ${missing} does not exist`);
  });

  it('check fails naming a file that is not a SQLite database', async () => {
    const text = join(dir, 'not-a-database.db');
    writeFileSync(text, 'just some text, long enough to fill a SQLite header: '.repeat(4));
    const result = await sluice(['check', 'source-sqlite-py', '--config', jsonFile(dir, 'text.json', { database_path: text })]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(`FAILED: ${text} cannot be read as a SQLite database: file is not a database`);
  });

  it('discover maps declared types to JSON schema, with primary keys and the configured cursor', async () => {
    const result = await sluice(['discover', 'source-sqlite-py', '--config', config, '--json']);
    expect(result.exitCode).toBe(0);
    const streams = JSON.parse(result.stdout).streams as Array<Record<string, any>>;
    expect(streams.map((stream) => stream.name)).toEqual(['active_users', 'events', 'tags', 'users']);
    const users = streams.find((stream) => stream.name === 'users')!;
    expect(users).toMatchObject({
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['updated_at'],
      source_defined_primary_key: [['id']],
    });
    expect(users.json_schema.properties).toEqual({
      id: { type: 'integer' },
      name: { type: 'string' },
      score: { type: ['null', 'number'] },
      active: { type: ['null', 'boolean'] },
      balance: { type: ['null', 'number'] },
      avatar: { type: ['null', 'string'], contentEncoding: 'base64' },
      born: { type: ['null', 'string'], format: 'date' },
      updated_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
    });
    const events = streams.find((stream) => stream.name === 'events')!;
    expect(events.supported_sync_modes).toEqual(['full_refresh']);
    expect(events.source_defined_primary_key).toBeUndefined();
    expect(events.json_schema.properties).toEqual({ kind: { type: ['null', 'string'] }, payload: { type: ['null', 'string'] }, at: { type: ['null', 'integer'] } });
    const tags = streams.find((stream) => stream.name === 'tags')!;
    expect(tags.source_defined_primary_key).toEqual([['owner'], ['tag']]);
    expect(tags.json_schema.properties).toEqual({ owner: { type: 'string' }, tag: { type: 'string' } });
  });

  it('discover lists only the tables asked for, and names one that does not exist', async () => {
    const only = await sluice(['discover', 'source-sqlite-py', '--config', jsonFile(dir, 'only.json', { database_path: database, tables: ['tags'] }), '--json']);
    expect(JSON.parse(only.stdout).streams.map((stream: { name: string }) => stream.name)).toEqual(['tags']);
    const wrong = await sluice(['discover', 'source-sqlite-py', '--config', jsonFile(dir, 'wrong.json', { database_path: database, tables: ['nope'] })]);
    expect(wrong.exitCode).not.toBe(0);
    expect(errorLine(wrong.stderr)).toBe(
      "sluice: connector.failed: connector source-sqlite-py (discover) failed (config_error): config field 'tables' names nope, not a table or view of the database (it has: active_users, events, tags, users)",
    );
  });
});

describe('read by name', () => {
  it('reads every stream in chunks with a STATE each, stream statuses and an estimate, values typed', async () => {
    const discovered = JSON.parse((await sluice(['discover', 'source-sqlite-py', '--config', config, '--json'])).stdout);
    const catalog = jsonFile(dir, 'catalog.json', {
      streams: discovered.streams.map((stream: { name: string }) => ({
        stream,
        sync_mode: stream.name === 'users' ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
      })),
    });
    const result = await sluice(['read', 'source-sqlite-py', '--config', config, '--catalog', catalog]);
    expect(result.exitCode).toBe(0);
    const messages = jsonLines(result.stdout);
    const records = (stream: string) => messages.filter((m) => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data);
    const states = (stream: string) =>
      messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === stream).map((m) => [m.state.stream.stream_state, m.state.sourceStats.recordCount]);
    const statuses = (stream: string) =>
      messages.filter((m) => m.type === 'TRACE' && m.trace.stream_status?.stream_descriptor.name === stream).map((m) => m.trace.stream_status.status);

    expect(records('users')).toEqual([
      { id: 1, name: 'Zoë "Z" O\'Brien — ☃ 日本', score: 1.5, active: true, balance: 12.5, avatar: 'AP8Q', born: '1990-02-03', updated_at: '2024-01-01T10:00:00' },
      { id: 2, name: 'bob', score: null, active: false, balance: null, avatar: null, born: null, updated_at: '2024-01-02T10:00:00' },
      { id: 3, name: 'carol', score: -2.25, active: true, balance: 7, avatar: '', born: '2000-01-31', updated_at: '2024-01-03T10:00:00' },
    ]);
    expect(states('users')).toEqual([
      [{ cursor: '2024-01-02 10:00:00' }, 2],
      [{ cursor: '2024-01-03 10:00:00' }, 1],
    ]);
    expect(records('events')).toEqual([
      { kind: 'click', payload: '{"x": 1}', at: 1700000000 },
      { kind: 'view', payload: null, at: null },
      { kind: null, payload: null, at: 3 },
    ]);
    expect(states('events')).toEqual([
      [{ rows_read: 2 }, 2],
      [{ rows_read: 3 }, 1],
    ]);
    expect(records('tags')).toEqual([
      { owner: 'alice', tag: 'a' },
      { owner: 'alice', tag: 'y' },
      { owner: 'bob', tag: 'x' },
    ]);
    expect(records('active_users')).toEqual([
      { id: 1, name: 'Zoë "Z" O\'Brien — ☃ 日本' },
      { id: 3, name: 'carol' },
    ]);
    for (const stream of ['active_users', 'events', 'tags', 'users']) expect(statuses(stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const estimates = messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ESTIMATE').map((m) => [m.trace.estimate.name, m.trace.estimate.row_estimate]);
    expect(estimates).toEqual([['active_users', 2], ['events', 3], ['tags', 3], ['users', 3]]);
  });

  it('fails with a config_error naming the path when the database file is missing', async () => {
    const catalog = jsonFile(dir, 'events-catalog.json', {
      streams: [{ stream: { name: 'events', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    });
    const result = await sluice(['read', 'source-sqlite-py', '--config', missingConfig, '--catalog', catalog]);
    expect(result.exitCode).toBe(1);
    expect(jsonLines(result.stdout).map((m) => m.trace.error)).toEqual([{ message: `the database file ${missing} does not exist`, failure_type: 'config_error' }]);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.failed: connector source-sqlite-py (read) failed (config_error): the database file ${missing} does not exist`);
  });

  it('resumes from a state in the stored array form, a single STREAM message and the legacy form alike', async () => {
    const catalog = jsonFile(dir, 'users-catalog.json', {
      streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
    });
    const blob = { cursor: '2024-01-02 10:00:00' };
    const message = { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: blob } };
    for (const state of [[message], message, { users: blob }]) {
      const result = await sluice(['read', 'source-sqlite-py', '--config', config, '--catalog', catalog, '--state', jsonFile(dir, `state-${Math.random()}.json`, state)]);
      expect(result.exitCode).toBe(0);
      expect(jsonLines(result.stdout).filter((m) => m.type === 'RECORD').map((m) => m.record.data.id)).toEqual([2, 3]);
    }
  });
});

describe('sync into destination-local-json with a state file', () => {
  it('the second run adds nothing new; after rows are added the third moves only them (and the row at the saved cursor)', async () => {
    const db = await createDatabase(join(dir, 'sync.db'));
    const out = join(dir, 'sync-out');
    const state = join(dir, 'sync-state.json');
    const args = [
      'sync', '--json',
      '--source', 'source-sqlite-py', '--source-config', jsonFile(dir, 'sync-source.json', { database_path: db, cursor_field: { users: 'updated_at' } }),
      '--destination', 'destination-local-json', '--destination-config', jsonFile(dir, 'sync-dest.json', { destination_path: out }),
      '--streams', 'users', '--mode', 'users=incremental:append_dedup', '--state', state,
    ];
    const rows = () => readFileSync(join(out, 'users.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data);
    const savedCursor = () => JSON.parse(readFileSync(state, 'utf8'))[0].stream.stream_state.cursor;

    const first = await sluice(args);
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'succeeded', recordsEmitted: 3, recordsCommitted: 3 });
    expect(savedCursor()).toBe('2024-01-03 10:00:00');

    // Rows whose cursor equals the saved one are read again (>=: a row changed within the same second is not
    // missed); append_dedup folds the repeat into the row it already has.
    const second = await sluice(args);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'succeeded', recordsEmitted: 1 });
    expect(rows().map((row) => row.id).sort()).toEqual([1, 2, 3]);

    await runSql(db, `INSERT INTO users (id, name, updated_at) VALUES (4, 'dan', '2024-02-01 00:00:00'), (5, 'eve', '2024-02-02 00:00:00');`);
    const third = await sluice(args);
    expect(JSON.parse(third.stdout)).toMatchObject({ status: 'succeeded', recordsEmitted: 3, recordsCommitted: 3 });
    expect(savedCursor()).toBe('2024-02-02 00:00:00');
    expect(rows().map((row) => row.id).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(rows().find((row) => row.id === 5)).toMatchObject({ name: 'eve', score: null, updated_at: '2024-02-02T00:00:00' });
  });
});

describe('the registry entry', () => {
  it('imported from the sources (as here), runs python3 on the source tree\'s source.py', async () => {
    const [file, ...args] = builtinCommand(findBuiltinConnector('source-sqlite-py')!);
    expect([file, ...args]).toEqual(['python3', join(repoRoot, 'connectors/source-sqlite-py/source.py')]);
    const { stdout } = await execa(file!, [...args, 'spec']);
    expect(jsonLines(stdout).map((m) => m.type)).toEqual(['SPEC']);
  });
});

describe('acceptance tests', () => {
  it('sluice test-connector source-sqlite-py passes, its missing-file config rejected by check', async () => {
    const result = await sluice(['test-connector', 'source-sqlite-py', '--config', config, '--config-invalid', missingConfig]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('source-sqlite-py: tested as a source (a built-in source)');
    expect(result.stdout).toMatch(new RegExp(`^check\\.invalid_config_fails\\s+PASS\\s+FAILED: the database file ${missing} does not exist$`, 'm'));
    expect(result.stdout).toMatch(/^17 passed, 0 failed, 1 skipped$/m);
  });
});

const dockerMissing = await imagesAvailability(['sluice/source-sqlite-py:dev']);
const testImage = 'sluice-test/source-sqlite-py-data:dev';

describe.runIf(!dockerMissing)('the Docker image sluice/source-sqlite-py:dev', () => {
  beforeAll(async () => {
    // A container cannot see host files: bake the test database into an image on top of the connector's.
    const context = tempDir('sluice-source-sqlite-py-image-');
    await createDatabase(join(context, 'test.db'));
    writeFileSync(join(context, 'Dockerfile'), 'FROM sluice/source-sqlite-py:dev\nCOPY test.db /data/test.db\n');
    await execa('docker', ['build', '--quiet', '--network', 'none', '-t', testImage, context], { env: { DOCKER_BUILDKIT: '0' } });
  });

  it('runs python3 on /airbyte/source.py, as AIRBYTE_ENTRYPOINT says, with the Airbyte labels', async () => {
    const { stdout } = await execa('docker', ['image', 'inspect', 'sluice/source-sqlite-py:dev', '--format', '{{json .Config}}']);
    const image = JSON.parse(stdout);
    expect(image.Entrypoint).toEqual(['python3', '/airbyte/source.py']);
    expect(image.Env).toContain('AIRBYTE_ENTRYPOINT=python3 /airbyte/source.py');
    expect(image.Labels).toMatchObject({ 'io.airbyte.name': 'sluice/source-sqlite-py', 'io.airbyte.version': expect.any(String), 'io.sluice.digest': expect.any(String) });
    expect(image.User).toBe('airbyte');
  });

  it('passes sluice test-connector with the database baked into a test image', async () => {
    const dockerConfig = jsonFile(dir, 'docker-config.json', { database_path: '/data/test.db', cursor_field: { users: 'updated_at' } });
    const dockerMissingConfig = jsonFile(dir, 'docker-missing.json', { database_path: '/data/missing.db' });
    const result = await sluice(['test-connector', `docker:${testImage}`, '--config', dockerConfig, '--config-invalid', dockerMissingConfig]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^check\.invalid_config_fails\s+PASS\s+FAILED: the database file \/data\/missing\.db does not exist$/m);
    expect(result.stdout).toMatch(/^read\.records\s+PASS\s+11 records: active_users 2, events 3, tags 3, users 3$/m);
    expect(result.stdout).toMatch(/^17 passed, 0 failed, 1 skipped$/m);
  });
});
