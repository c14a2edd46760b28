// `make bench` (database part), every figure a whole `sluice sync` (start-up included) with the load average beside it:
// 1. one table of 11 mixed columns from a PostgreSQL schema to another (source-postgres → destination-postgres, full
//    refresh overwrite) and, in the same run against the same server, `psql \copy ... to stdout | psql \copy ... from
//    stdin`: rows/s for both and the ratio; then `pgcopydb copy table-data --table-jobs 2` of that one table (a filter
//    file) into a table of the same shape in a second database (sluice_bench_target, created and dropped here):
//    rows/s and the ratio sluice/pgcopydb against its target (≥ 0.75) (pgcopydb's command includes its VACUUM ANALYZE
//    of the copied table);
// 2. the same rows from MariaDB/MySQL (source-mysql → destination-postgres): rows/s (skipped, saying why, when the
//    server is not reachable); then pgloader of the same MariaDB table into a fresh schema (sluice_bench_pgloader;
//    pgloader creates the table with its own type mapping and loads it, no indexes, foreign keys or sequence resets):
//    rows/s and the ratio sluice/pgloader against its target (≥ 1.5). pgloader adds the schema it creates to the
//    database's search_path; the setting is put back as it was;
// 3. an incremental append_dedup sync of the PostgreSQL table by an indexed cursor column: the first load, then the
//    no-op re-sync of the unchanged table, with --streams (a discover first) and with the configured catalog (none).
// Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_MYSQL_URL (default
// mysql://root@127.0.0.1:3306/test), BENCH_PG_ROWS (default 1000000), BENCH_KEEP=1 keeps the bench tables, schemas
// and the second database. Every whole tool command is timed (its start-up included), and its rows counted after it.
// Needs a build (npm run build) and psql on the PATH; pgloader and pgcopydb (Debian's packages, `make bench-tools`) are
// compared when they are on the PATH, and a missing or failing one is skipped with one line saying why.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import mysql from 'mysql2/promise';

const root = resolve(import.meta.dirname, '..');
const sluiceBin = join(root, 'dist/cli/main.js');
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const rows = Number(process.env.BENCH_PG_ROWS ?? 1_000_000);
const SOURCE = 'sluice_bench';
const SLUICE_TARGET = 'sluice_bench_sluice';
const PSQL_TARGET = 'sluice_bench_psql';
const MYSQL_TARGET = 'sluice_bench_mysql';
const INCREMENTAL_TARGET = 'sluice_bench_incremental';
const mysqlUrl = new URL(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
const MYSQL_TABLE = 'sluice_bench_items';
const PGLOADER_TARGET = 'sluice_bench_pgloader';
const PGCOPYDB_DATABASE = 'sluice_bench_target';
// The bench table's columns; the source adds its primary key, the baselines' targets have none (as sluice's has none).
const ITEM_COLUMNS = `id bigint NOT NULL, name text NOT NULL, amount numeric(12,2), quantity integer, active boolean,
  created_at timestamptz, note text, day date, score double precision, code uuid, attributes jsonb`;

if (!existsSync(sluiceBin)) {
  console.error('bench-postgres: dist/cli/main.js is missing; run npm run build first');
  process.exit(2);
}

async function sql(text, connectionString = url.toString()) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Runs a shell command; resolves with the milliseconds it took, rejects with its stderr when it fails. */
function timed(command, args, env = {}) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolvePromise({ ms, stdout });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

const rate = (ms) => Math.round(rows / (ms / 1000));
const fmt = (n) => n.toLocaleString('en-US');
const load = () => `load ${loadavg()[0].toFixed(2)}`;
const SCHEMAS = [SOURCE, SLUICE_TARGET, `${SLUICE_TARGET}_internal`, PSQL_TARGET, MYSQL_TARGET, `${MYSQL_TARGET}_internal`, PGLOADER_TARGET, INCREMENTAL_TARGET, `${INCREMENTAL_TARGET}_internal`];
const dropSchemas = () => SCHEMAS.map((schema) => `DROP SCHEMA IF EXISTS ${schema} CASCADE;`).join(' ');
const onPath = (name) => (process.env.PATH ?? '').split(':').some((folder) => folder !== '' && existsSync(join(folder, name)));
/** The last lines of a failure, on one line. */
const why = (error) => String(error?.message ?? error).replace(/\s+/g, ' ').trim().slice(-400);
const verdict = (ratio, target) => `target ≥ ${target}: ${ratio >= target ? 'met' : 'NOT met'}`;

console.log(`bench-postgres: ${fmt(rows)} rows, server ${url.host}${url.pathname}`);
const started = performance.now();
await sql(`${dropSchemas()}
  CREATE SCHEMA ${SOURCE}; CREATE SCHEMA ${PSQL_TARGET};
  CREATE TABLE ${SOURCE}.items (${ITEM_COLUMNS}, PRIMARY KEY (id));
  INSERT INTO ${SOURCE}.items
    SELECT i, 'item ' || i, (i % 100000) / 100.0, i % 1000, i % 3 = 0, timestamptz '2024-01-01' + i * interval '1 second',
           CASE WHEN i % 10 = 0 THEN NULL ELSE md5(i::text) END, date '2020-01-01' + i % 2000, i / 7.0,
           md5(i::text)::uuid, jsonb_build_object('rank', i % 50, 'tag', 't' || i % 7)
    FROM generate_series(1, ${rows}) AS i;
  CREATE INDEX ON ${SOURCE}.items (created_at);
  ANALYZE ${SOURCE}.items;`);
console.log(`  set-up (generate_series): ${Math.round(performance.now() - started)} ms`);

// Baseline: psql \copy out piped into psql \copy in, into a table of the same shape.
await sql(`CREATE TABLE ${PSQL_TARGET}.items (LIKE ${SOURCE}.items)`);
const psqlEnv = { PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username || 'postgres'), PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: url.pathname.slice(1) };
const psql = await timed('bash', ['-o', 'pipefail', '-c', `psql -X -q -c "\\copy ${SOURCE}.items to stdout" | psql -X -q -c "\\copy ${PSQL_TARGET}.items from stdin"`], psqlEnv);
const psqlLoad = load();

// Sluice: source-postgres → destination-postgres, full refresh overwrite.
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-pg-'));
// Removed however the bench ends (a failed run included): nothing is left in the temporary directory.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const connection = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), username: decodeURIComponent(url.username || 'postgres'), password: decodeURIComponent(url.password) };
writeFileSync(join(dir, 'source.json'), JSON.stringify({ ...connection, schemas: [SOURCE] }));
writeFileSync(join(dir, 'destination.json'), JSON.stringify({ ...connection, schema: SLUICE_TARGET, internal_schema: `${SLUICE_TARGET}_internal` }));
// Run as users run it: the executable itself, so that its shebang's V8 flags apply.
const sync = await timed(sluiceBin, [
  'sync',
  '--source', 'source-postgres', '--source-config', join(dir, 'source.json'),
  '--destination', 'destination-postgres', '--destination-config', join(dir, 'destination.json'),
  '--streams', `${SOURCE}.items`, '--mode', `${SOURCE}.items=full_refresh:overwrite`, '--json',
]);
const summary = JSON.parse(sync.stdout);
const syncLoad = load();

const [counts] = await sql(`SELECT (SELECT count(*) FROM ${SLUICE_TARGET}.items)::int AS sluice, (SELECT count(*) FROM ${PSQL_TARGET}.items)::int AS psql`);
if (counts.sluice !== rows || counts.psql !== rows) {
  console.error(`bench-postgres: row counts differ: sluice ${counts.sluice}, psql ${counts.psql}, expected ${rows}`);
  process.exit(1);
}
console.log(`  psql \\copy out | \\copy in:  ${fmt(Math.round(psql.ms))} ms  ${fmt(rate(psql.ms))} rows/s  (${psqlLoad})`);
console.log(`  sluice sync (pg → pg):      ${fmt(Math.round(sync.ms))} ms  ${fmt(rate(sync.ms))} rows/s  (runtime peak RSS ${Math.round(summary.runtimePeakRssBytes / 1e6)} MB, ${syncLoad})`);
console.log(`  ratio sluice/psql: ${(rate(sync.ms) / rate(psql.ms)).toFixed(2)} (psql is ${(sync.ms / psql.ms).toFixed(1)}x faster)`);
await benchPgcopydb({ rate: rate(sync.ms), load: syncLoad });

const mysqlRun = await benchMysql();
if (mysqlRun) await benchPgloader(mysqlRun);
await benchIncremental();

if (process.env.BENCH_KEEP !== '1') {
  await sql(dropSchemas());
  await withMysql((connection) => connection.query(`DROP TABLE IF EXISTS ${MYSQL_TABLE}`)).catch(() => undefined);
}

async function withMysql(work) {
  const connection = await mysql.createConnection({ host: mysqlUrl.hostname, port: Number(mysqlUrl.port || 3306), user: decodeURIComponent(mysqlUrl.username || 'root'), password: decodeURIComponent(mysqlUrl.password), database: mysqlUrl.pathname.slice(1) });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** MariaDB/MySQL → PostgreSQL: the same rows, from a table of the same shape (uuid as char(36), jsonb as json). */
async function benchMysql() {
  try {
    await withMysql(async (connection) => {
      await connection.query(`DROP TABLE IF EXISTS ${MYSQL_TABLE}`);
      await connection.query(`CREATE TABLE ${MYSQL_TABLE} (id bigint PRIMARY KEY, name varchar(40) NOT NULL, amount decimal(12,2), quantity int,
        active tinyint(1), created_at timestamp(0) NULL, note varchar(32), day date, score double, code char(36), attributes json)`);
      // The sequence engine (MariaDB) when there is one, else a recursive CTE.
      const [engines] = await connection.query(`SELECT 1 FROM information_schema.ENGINES WHERE ENGINE = 'SEQUENCE' AND SUPPORT IN ('YES', 'DEFAULT')`);
      const numbers = engines.length > 0 ? `(SELECT seq AS i FROM seq_1_to_${rows}) AS n` : `(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows}) SELECT i FROM s) AS n`;
      if (engines.length === 0) await connection.query(`SET SESSION cte_max_recursion_depth = ${rows + 1}`);
      await connection.query(`INSERT INTO ${MYSQL_TABLE}
        SELECT i, CONCAT('item ', i), (i % 100000) / 100.0, i % 1000, i % 3 = 0, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL i SECOND,
               IF(i % 10 = 0, NULL, MD5(i)), DATE '2020-01-01' + INTERVAL (i % 2000) DAY, i / 7.0,
               CONCAT_WS('-', SUBSTR(MD5(i), 1, 8), SUBSTR(MD5(i), 9, 4), SUBSTR(MD5(i), 13, 4), SUBSTR(MD5(i), 17, 4), SUBSTR(MD5(i), 21, 12)),
               JSON_OBJECT('rank', i % 50, 'tag', CONCAT('t', i % 7))
        FROM ${numbers}`);
    });
  } catch (error) {
    console.log(`  MariaDB/MySQL → PostgreSQL: skipped, ${mysqlUrl.host} not usable (${error.message}); set BENCH_MYSQL_URL`);
    return;
  }
  writeFileSync(join(dir, 'mysql.json'), JSON.stringify({ host: mysqlUrl.hostname, port: Number(mysqlUrl.port || 3306), database: mysqlUrl.pathname.slice(1), username: decodeURIComponent(mysqlUrl.username || 'root'), password: decodeURIComponent(mysqlUrl.password) }));
  writeFileSync(join(dir, 'mysql-destination.json'), JSON.stringify({ ...connection, schema: MYSQL_TARGET, internal_schema: `${MYSQL_TARGET}_internal` }));
  const stream = `${mysqlUrl.pathname.slice(1)}.${MYSQL_TABLE}`;
  const run = await timed(sluiceBin, [
    'sync',
    '--source', 'source-mysql', '--source-config', join(dir, 'mysql.json'),
    '--destination', 'destination-postgres', '--destination-config', join(dir, 'mysql-destination.json'),
    '--streams', stream, '--mode', `${stream}=full_refresh:overwrite`, '--json',
  ]);
  const runLoad = load();
  const [copied] = await sql(`SELECT count(*)::int AS n FROM ${MYSQL_TARGET}.${MYSQL_TABLE}`);
  if (copied.n !== rows) {
    console.error(`bench-postgres: MariaDB → PostgreSQL copied ${copied.n} rows, expected ${rows}`);
    process.exit(1);
  }
  console.log(`  sluice sync (MariaDB → pg): ${fmt(Math.round(run.ms))} ms  ${fmt(rate(run.ms))} rows/s  (${runLoad})`);
  return { rate: rate(run.ms), load: runLoad };
}

/**
 * pgcopydb (PostgreSQL → PostgreSQL), two table jobs: the source table, and only it (a filter file), into a table of
 * the same shape in a second database, as the psql baseline's; its work directory is in the bench's temporary one.
 */
async function benchPgcopydb(sluiceRun) {
  const label = 'pgcopydb (pg → pg, 2 jobs):';
  if (!onPath('pgcopydb')) {
    console.log(`  ${label.trimEnd()} skipped, pgcopydb is not on the PATH (make bench-tools installs it)`);
    return;
  }
  const target = new URL(url);
  target.pathname = `/${PGCOPYDB_DATABASE}`;
  let created = false;
  try {
    await sql(`DROP DATABASE IF EXISTS ${PGCOPYDB_DATABASE}`);
    await sql(`CREATE DATABASE ${PGCOPYDB_DATABASE}`);
    created = true;
    await sql(`CREATE SCHEMA ${SOURCE}; CREATE TABLE ${SOURCE}.items (${ITEM_COLUMNS})`, target.toString());
    writeFileSync(join(dir, 'pgcopydb-filters.ini'), `[include-only-table]\n${SOURCE}.items\n`);
    const run = await timed('pgcopydb', [
      'copy', 'table-data', '--source', url.toString(), '--target', target.toString(),
      '--table-jobs', '2', '--filters', join(dir, 'pgcopydb-filters.ini'), '--dir', join(dir, 'pgcopydb'),
    ]);
    const runLoad = load();
    const [copied] = await sql(`SELECT count(*)::int AS n FROM ${SOURCE}.items`, target.toString());
    if (copied.n !== rows) throw new Error(`it copied ${copied.n} rows, expected ${rows}`);
    const ratio = sluiceRun.rate / rate(run.ms);
    console.log(`  ${label} ${fmt(Math.round(run.ms))} ms  ${fmt(rate(run.ms))} rows/s  (${runLoad})`);
    console.log(`  ratio sluice/pgcopydb: ${ratio.toFixed(2)} (${verdict(ratio, 0.75)}; sluice at ${sluiceRun.load}, pgcopydb at ${runLoad})`);
  } catch (error) {
    console.log(`  ${label.trimEnd()} skipped, it failed: ${why(error)}`);
  } finally {
    if (created && process.env.BENCH_KEEP !== '1') await sql(`DROP DATABASE IF EXISTS ${PGCOPYDB_DATABASE}`).catch((error) => console.log(`  could not drop database ${PGCOPYDB_DATABASE}: ${why(error)}`));
  }
}

/**
 * pgloader (MariaDB/MySQL → PostgreSQL): the same MariaDB table, and only it, into a fresh schema; pgloader creates the
 * table (its own type mapping) and loads it: no indexes, foreign keys or sequence resets, as sluice's overwrite makes
 * none. pgloader adds the schema to the database's search_path (ALTER DATABASE): the setting is put back afterwards.
 */
async function benchPgloader(sluiceRun) {
  const label = 'pgloader (MariaDB → pg):   ';
  if (!onPath('pgloader')) {
    console.log(`  ${label.trimEnd()} skipped, pgloader is not on the PATH (make bench-tools installs it)`);
    return;
  }
  const database = url.pathname.slice(1);
  const settingQuery = `SELECT (SELECT c FROM pg_db_role_setting, unnest(setconfig) AS c
    WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND c LIKE 'search\\_path=%') AS setting`;
  // undefined when it cannot be read: then nothing is put back.
  const [{ setting: searchPathBefore }] = await sql(settingQuery).catch(() => [{ setting: undefined }]);
  try {
    await sql(`DROP SCHEMA IF EXISTS ${PGLOADER_TARGET} CASCADE`);
    const command = `LOAD DATABASE
  FROM ${mysqlUrl.toString()}
  INTO ${url.toString().replace(/^[a-z]+:/, 'postgresql:')}
  WITH include drop, create tables, create no indexes, no foreign keys, reset no sequences
  INCLUDING ONLY TABLE NAMES MATCHING '${MYSQL_TABLE}'
  ALTER SCHEMA '${mysqlUrl.pathname.slice(1)}' RENAME TO '${PGLOADER_TARGET}';
`;
    writeFileSync(join(dir, 'pgloader.load'), command);
    const run = await timed('pgloader', ['--root-dir', join(dir, 'pgloader'), join(dir, 'pgloader.load')]);
    const runLoad = load();
    const [copied] = await sql(`SELECT count(*)::int AS n FROM ${PGLOADER_TARGET}.${MYSQL_TABLE}`);
    if (copied.n !== rows) throw new Error(`it loaded ${copied.n} rows, expected ${rows}`);
    const ratio = sluiceRun.rate / rate(run.ms);
    console.log(`  ${label} ${fmt(Math.round(run.ms))} ms  ${fmt(rate(run.ms))} rows/s  (${runLoad})`);
    console.log(`  ratio sluice/pgloader: ${ratio.toFixed(2)} (${verdict(ratio, 1.5)}; sluice at ${sluiceRun.load}, pgloader at ${runLoad})`);
  } catch (error) {
    console.log(`  ${label.trimEnd()} skipped, it failed: ${why(error)}`);
  } finally {
    const [{ setting: searchPathAfter }] = await sql(settingQuery).catch(() => [{ setting: searchPathBefore }]);
    if (searchPathBefore !== undefined && searchPathAfter !== searchPathBefore) {
      const quoted = `"${database.replace(/"/g, '""')}"`;
      await sql(searchPathBefore === null ? `ALTER DATABASE ${quoted} RESET search_path` : `ALTER DATABASE ${quoted} SET search_path TO ${searchPathBefore.slice('search_path='.length)}`)
        .catch((error) => console.log(`  could not put back the search_path of database ${database}: ${why(error)}`));
    }
  }
}

/** Incremental append_dedup by the indexed created_at: the first load, then a re-sync of the unchanged table. */
async function benchIncremental() {
  writeFileSync(join(dir, 'incremental-destination.json'), JSON.stringify({ ...connection, schema: INCREMENTAL_TARGET, internal_schema: `${INCREMENTAL_TARGET}_internal` }));
  const args = [
    'sync',
    '--source', 'source-postgres', '--source-config', join(dir, 'source.json'),
    '--destination', 'destination-postgres', '--destination-config', join(dir, 'incremental-destination.json'),
    '--streams', `${SOURCE}.items`, '--mode', `${SOURCE}.items=incremental:append_dedup`, '--cursor', `${SOURCE}.items=created_at`,
    '--state', join(dir, 'incremental-state.json'), '--json',
  ];
  const first = await timed(sluiceBin, args);
  const firstLoad = load();
  const again = await timed(sluiceBin, args);
  const againLoad = load();
  const summary = JSON.parse(again.stdout);
  if (summary.recordsEmitted !== 0) {
    console.error(`bench-postgres: the incremental re-sync of an unchanged table read ${summary.recordsEmitted} records`);
    process.exit(1);
  }
  console.log(`  incremental first load:     ${fmt(Math.round(first.ms))} ms  ${fmt(rate(first.ms))} rows/s  (${firstLoad})`);
  console.log(`  no-op incremental re-sync:  ${fmt(Math.round(again.ms))} ms  (the sync's own durationMs ${fmt(summary.durationMs)}; ${againLoad})`);

  // The same re-sync given its configured catalog, as a scheduled run of a fixed catalog is: no discover.
  const discovered = JSON.parse((await timed(sluiceBin, ['discover', 'source-postgres', '--config', join(dir, 'source.json'), '--json'])).stdout);
  const stream = discovered.streams.find((candidate) => candidate.namespace === SOURCE && candidate.name === 'items');
  const catalogPath = join(dir, 'incremental-catalog.json');
  writeFileSync(catalogPath, JSON.stringify({ streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['created_at'], primary_key: [['id']] }] }));
  const withCatalog = args.filter((_, index) => index < args.indexOf('--streams') || index > args.indexOf('--cursor') + 1);
  withCatalog.splice(withCatalog.indexOf('--state'), 0, '--catalog', catalogPath);
  const fixed = await timed(sluiceBin, withCatalog);
  const fixedLoad = load();
  const fixedSummary = JSON.parse(fixed.stdout);
  if (fixedSummary.recordsEmitted !== 0) {
    console.error(`bench-postgres: the re-sync with a configured catalog read ${fixedSummary.recordsEmitted} records`);
    process.exit(1);
  }
  console.log(`  same, configured catalog:   ${fmt(Math.round(fixed.ms))} ms  (no discover; the sync's own durationMs ${fmt(fixedSummary.durationMs)}; ${fixedLoad}; target ≤ 300 ms)`);
}
