// `make bench` (PostgreSQL part): moves one table from a PostgreSQL schema to another through `sluice sync`
// (source-postgres → destination-postgres, full refresh overwrite) and, in the same run against the same server,
// through `psql \copy ... to stdout | psql \copy ... from stdin`; prints rows/s for both and the ratio.
// Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_PG_ROWS (default 1000000),
// BENCH_KEEP=1 keeps the bench schemas. Needs a build (npm run build) and psql on the PATH.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const root = resolve(import.meta.dirname, '..');
const sluiceBin = join(root, 'dist/cli/main.js');
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const rows = Number(process.env.BENCH_PG_ROWS ?? 1_000_000);
const SOURCE = 'sluice_bench';
const SLUICE_TARGET = 'sluice_bench_sluice';
const PSQL_TARGET = 'sluice_bench_psql';

if (!existsSync(sluiceBin)) {
  console.error('bench-postgres: dist/cli/main.js is missing; run npm run build first');
  process.exit(2);
}

async function sql(text) {
  const client = new pg.Client({ connectionString: url.toString() });
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
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolvePromise({ ms, stdout });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

const rate = (ms) => Math.round(rows / (ms / 1000));
const fmt = (n) => n.toLocaleString('en-US');

console.log(`bench-postgres: ${fmt(rows)} rows, server ${url.host}${url.pathname}`);
const started = performance.now();
await sql(`DROP SCHEMA IF EXISTS ${SOURCE} CASCADE; DROP SCHEMA IF EXISTS ${SLUICE_TARGET} CASCADE; DROP SCHEMA IF EXISTS ${PSQL_TARGET} CASCADE;
  CREATE SCHEMA ${SOURCE}; CREATE SCHEMA ${PSQL_TARGET};
  CREATE TABLE ${SOURCE}.items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), quantity integer,
    active boolean, created_at timestamptz, note text);
  INSERT INTO ${SOURCE}.items
    SELECT i, 'item ' || i, (i % 100000) / 100.0, i % 1000, i % 3 = 0, timestamptz '2024-01-01' + i * interval '1 second',
           CASE WHEN i % 10 = 0 THEN NULL ELSE md5(i::text) END
    FROM generate_series(1, ${rows}) AS i;
  ANALYZE ${SOURCE}.items;`);
console.log(`  set-up (generate_series): ${Math.round(performance.now() - started)} ms`);

// Baseline: psql \copy out piped into psql \copy in, into a table of the same shape.
await sql(`CREATE TABLE ${PSQL_TARGET}.items (LIKE ${SOURCE}.items)`);
const psqlEnv = { PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username || 'postgres'), PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: url.pathname.slice(1) };
const psql = await timed('bash', ['-o', 'pipefail', '-c', `psql -X -q -c "\\copy ${SOURCE}.items to stdout" | psql -X -q -c "\\copy ${PSQL_TARGET}.items from stdin"`], psqlEnv);

// Sluice: source-postgres → destination-postgres, full refresh overwrite.
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-pg-'));
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

const [counts] = await sql(`SELECT (SELECT count(*) FROM ${SLUICE_TARGET}.items)::int AS sluice, (SELECT count(*) FROM ${PSQL_TARGET}.items)::int AS psql`);
if (counts.sluice !== rows || counts.psql !== rows) {
  console.error(`bench-postgres: row counts differ: sluice ${counts.sluice}, psql ${counts.psql}, expected ${rows}`);
  process.exit(1);
}
console.log(`  psql \\copy out | \\copy in:  ${fmt(Math.round(psql.ms))} ms  ${fmt(rate(psql.ms))} rows/s`);
console.log(`  sluice sync (pg → pg):      ${fmt(Math.round(sync.ms))} ms  ${fmt(rate(sync.ms))} rows/s  (runtime peak RSS ${Math.round(summary.runtimePeakRssBytes / 1e6)} MB)`);
console.log(`  ratio sluice/psql: ${(rate(sync.ms) / rate(psql.ms)).toFixed(2)} (psql is ${(sync.ms / psql.ms).toFixed(1)}x faster)`);

if (process.env.BENCH_KEEP !== '1') {
  await sql(`DROP SCHEMA ${SOURCE} CASCADE; DROP SCHEMA ${SLUICE_TARGET} CASCADE; DROP SCHEMA IF EXISTS ${SLUICE_TARGET}_internal CASCADE; DROP SCHEMA ${PSQL_TARGET} CASCADE`);
}
