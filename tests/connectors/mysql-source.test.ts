// source-mysql against MariaDB (or MySQL): discover maps types and keys, every type round-trips into
// destination-postgres, a full refresh resumes after the last primary key of a saved state, incremental reads handle
// cursor ties, and bad credentials or a missing table are clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';
import { requireService } from '../support/services.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sqlOn } from '../support/pg-connectors.js';

const MYSQL = {
  host: process.env['SLUICE_TEST_MYSQL_HOST'] ?? '127.0.0.1',
  port: Number(process.env['SLUICE_TEST_MYSQL_PORT'] ?? 3306),
  username: process.env['SLUICE_TEST_MYSQL_USER'] ?? 'root',
  password: process.env['SLUICE_TEST_MYSQL_PASSWORD'] ?? '',
};
const connectAdmin = () => mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.username, password: MYSQL.password, multipleStatements: true });
const mysqlMissing = await requireService(
  'MariaDB/MySQL',
  async () => {
    const connection = await connectAdmin();
    await connection.end();
  },
  'start MariaDB or MySQL on 127.0.0.1:3306 (root, empty password), or set SLUICE_TEST_MYSQL_HOST/PORT/USER/PASSWORD',
);
const postgresMissing = await postgresAvailability();

describe.runIf(!mysqlMissing && !postgresMissing)('source-mysql', () => {
  const database = `sluice_test_${randomBytes(4).toString('hex')}`;
  const pg = useFreshDatabase();
  const dir = tempDir('sluice-mysql-');
  let n = 0;
  const file = (value: unknown): string => jsonFile(dir, `f${++n}.json`, value);
  const config = (extra: Record<string, unknown> = {}) => ({ ...MYSQL, database, ...extra });
  const run = async (statements: string) => {
    const connection = await connectAdmin();
    try {
      await connection.query(statements);
    } finally {
      await connection.end();
    }
  };
  const catalogFor = (name: string, incremental = false, cursor?: string) => ({
    streams: [{
      stream: { name, namespace: database, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: incremental ? 'incremental' : 'full_refresh',
      destination_sync_mode: 'append',
      ...(cursor ? { cursor_field: [cursor] } : {}),
    }],
  });
  const read = async (catalog: object, state?: unknown) => {
    const result = await sluice(['read', 'source-mysql', '--config', file(config({ chunk_size: 2 })), '--catalog', file(catalog), ...(state ? ['--state', file(state)] : [])]);
    const messages = jsonLines(result.stdout);
    return {
      result,
      rows: messages.filter((m) => m.type === 'RECORD').map((m) => m.record.data),
      states: messages.filter((m) => m.type === 'STATE').map((m) => m.state),
    };
  };

  beforeAll(async () => {
    await run(`CREATE DATABASE ${database}; USE ${database};
      CREATE TABLE all_types (id int PRIMARY KEY, ti tinyint, b tinyint(1), si smallint, mi mediumint, bi bigint,
        ubi bigint unsigned, de decimal(30,10), fl float, db double, bt bit(1), yr year, d date, dt datetime(6),
        ts timestamp(3) NULL, tm time, ch char(3), vc varchar(20), tx text, en enum('a','b'), st set('x','y'),
        vb varbinary(10), bl blob, js json);
      INSERT INTO all_types VALUES
        (1, -128, 1, -32768, 8388607, 9223372036854775807, 18446744073709551615, 12345678901234567890.0123456789, 1.5,
         1.7976931348623157e308, b'1', 2024, '2024-02-29', '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00.123',
         '23:59:59', 'abc', 'v', 'tab\\there\\nnl "q" \\\\ b', 'b', 'x,y', 0x00ff10, 0x0102,
         '{"a": [1, 2.5, "x"], "big": 12345678901234567890}'),
        (2, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, b'0', NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, '', '', NULL, NULL);
      CREATE VIEW names AS SELECT id, vc FROM all_types;
      CREATE TABLE events (id int PRIMARY KEY, name text, updated_at datetime);
      INSERT INTO events VALUES (1, 'a', '2024-01-01 00:00'), (2, 'b', '2024-01-01 00:00'), (3, 'c', '2024-01-01 01:00'),
        (4, 'd', '2024-01-01 02:00'), (5, 'e', '2024-01-01 02:00');`);
  });
  afterAll(async () => {
    await run(`DROP DATABASE IF EXISTS ${database}`);
  });

  it('discover maps each column type and finds primary keys and views', async () => {
    const result = await sluice(['discover', 'source-mysql', '--config', file(config()), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const streams = JSON.parse(result.stdout).streams as Array<Record<string, any>>;
    expect(streams.map((s) => s.name)).toEqual(['all_types', 'events', 'names']);
    const all = streams[0]!;
    expect(all).toMatchObject({ namespace: database, source_defined_primary_key: [['id']], supported_sync_modes: ['full_refresh', 'incremental'] });
    const p = all.json_schema.properties;
    expect([p.bi, p.b, p.de, p.d, p.dt, p.ts, p.tm, p.vb]).toEqual([
      { type: ['null', 'integer'] },
      { type: ['null', 'boolean'] },
      { type: ['null', 'number'] },
      { type: ['null', 'string'], format: 'date' },
      { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      { type: ['null', 'string'], format: 'time', airbyte_type: 'time_without_timezone' },
      { type: ['null', 'string'], contentEncoding: 'base64' },
    ]);
    expect(p.js.type).toContain('object');
    expect(streams[2]!.source_defined_primary_key).toBeUndefined();
  });

  it('every type round-trips into destination-postgres', async () => {
    const result = await sluice(['sync', '--source', 'source-mysql', '--source-config', file(config()), '--destination', 'destination-postgres', '--destination-config', file(destinationConfig(pg(), 'mirror')), '--streams', `${database}.all_types,${database}.names`, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = await sqlOn(pg(), `SELECT id, ti, b, si, mi, bi::text, ubi::text, de::text, fl::text, db::float8::text AS db, bt, yr, d::text, dt::text, ts::text, tm::text, ch, vc, tx, en, st, encode(vb, 'hex') AS vb, encode(bl, 'hex') AS bl, js::text FROM mirror.all_types ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', ti: '-128', b: true, si: '-32768', mi: '8388607', bi: '9223372036854775807', ubi: '18446744073709551615', de: '12345678901234567890.0123456789', fl: '1.5', db: '1.7976931348623157e+308', bt: true, yr: '2024', d: '2024-02-29', dt: '2024-01-01 10:00:00.123456', ts: '2024-01-01 10:00:00.123+00', tm: '23:59:59', ch: 'abc', vc: 'v', tx: 'tab\there\nnl "q" \\ b', en: 'b', st: 'x,y', vb: '00ff10', bl: '0102', js: '{"a": [1, 2.5, "x"], "big": 12345678901234567890}' },
      { id: '2', ti: null, b: false, si: null, mi: null, bi: null, ubi: null, de: null, fl: null, db: null, bt: false, yr: null, d: null, dt: null, ts: null, tm: null, ch: null, vc: '', tx: null, en: null, st: '', vb: '', bl: null, js: null },
    ]);
    expect(await sqlOn(pg(), `SELECT id, vc FROM mirror.names ORDER BY id`)).toEqual([{ id: '1', vc: 'v' }, { id: '2', vc: '' }]);
  });

  it('a full refresh reads in primary-key chunks and resumes after the key a saved state names', async () => {
    const whole = await read(catalogFor('events'));
    expect(whole.rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    const middle = whole.states.find((state) => state.stream.stream_state.after?.[0] === 2)!;
    expect(middle.stream.stream_state).toMatchObject({ mode: 'full_refresh', after: [2] });
    const resumed = await read(catalogFor('events'), [middle]);
    expect(resumed.rows.map((row) => row.id)).toEqual([3, 4, 5]);
    expect(resumed.states.at(-1)!.stream.stream_state).toMatchObject({ mode: 'full_refresh', complete: true });
  });

  it('incremental reads rows newer than the cursor, and rows that tie with it later are not lost or repeated', async () => {
    const first = await read(catalogFor('events', true, 'updated_at'));
    expect(first.result.exitCode, first.result.stderr).toBe(0);
    expect(first.rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5]);
    const saved = first.states.at(-1)!;
    expect(saved.stream.stream_state).toEqual({ mode: 'cursor', cursor_field: 'updated_at', cursor: '2024-01-01 02:00:00', keys: [[4], [5]] });
    await run(`USE ${database}; INSERT INTO events VALUES (6, 'tie', '2024-01-01 02:00'), (7, 'newer', '2024-01-01 03:00'), (8, 'older', '2023-01-01 00:00')`);
    const second = await read(catalogFor('events', true, 'updated_at'), [saved]);
    expect(second.rows.map((row) => [row.id, row.updated_at])).toEqual([[6, '2024-01-01T02:00:00'], [7, '2024-01-01T03:00:00']]);
  });

  it('bad credentials and a missing table are clear errors', async () => {
    const bad = await sluice(['check', 'source-mysql', '--config', file(config({ username: 'no_such_user', password: 'x' })), '--json']);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/^cannot connect to MySQL at .* \(database sluice_test_\w+, user no_such_user\): Access denied for user 'no_such_user'.*: check username and password$/) });
    const missing = await read(catalogFor('gone'));
    expect(missing.result.exitCode).not.toBe(0);
    const error = jsonLines(missing.result.stdout).find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    expect(error).toEqual(expect.objectContaining({ failure_type: 'config_error', message: `stream ${database}.gone: table gone does not exist in database ${database} (or the user may not read it)` }));
  });
});

