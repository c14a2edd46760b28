// `make bench` (real-time part): commit-to-visible latency of a following sync, source-postgres (CDC, WAL streamed)
// → destination-postgres (append_dedup), under a steady load of changes.
// 1. A table in PostgreSQL, an empty snapshot, then `sluice sync --follow` started and waited for (its first commit).
// 2. For BENCH_FOLLOW_SECONDS (default 60) a writer commits BENCH_FOLLOW_RATE changes per second (default 1000) in
//    ten transactions a second: 70% inserts, 20% updates of recent rows, 10% deletes of old rows. Each transaction's
//    inserted ids are noted with the time its COMMIT was sent (so the latency counts the commit itself).
// 3. An observer polls the destination's final table every 50 ms for its highest id: a transaction is visible when its
//    last id is (transactions commit, and are replicated, in order). Latency = first seen − commit sent.
// The baseline, measured in the same run under the same load: PostgreSQL's own logical replication of the same table
// (a subscription in a second database, sluice_bench_follow_native, over its own slot and publication), observed the
// same way; printed beside ours with the ratio of the p50s. PostgreSQL applies each transaction as it arrives, where
// Sluice commits the destination about once a second (--commit-interval), so the baseline is the floor of the figure.
// Printed: p50/p95/p99/max latency against the targets (p50 < 1 s, p99 < 3 s), p50 of the first and last ten
// seconds and the drain time after the load stops (keeping up: no backlog growth), the destination's row count
// against the source's (every change applied), and the resident memory of the Sluice process over the
// load, sampled every 10 s (flat memory). BENCH_FOLLOW_SECONDS=600 gives the 10-minute memory run.
// Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres; needs wal_level = logical:
// `make postgres-logical`), BENCH_KEEP=1 keeps the schemas. Needs a build (npm run build).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '..');
const sluiceBin = join(root, 'dist/cli/main.js');
const url = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const seconds = Number(process.env.BENCH_FOLLOW_SECONDS ?? 60);
const perSecond = Number(process.env.BENCH_FOLLOW_RATE ?? 1000);
const SOURCE = 'sluice_bench_follow';
const TARGET = 'sluice_bench_follow_dest';
const SLOT = 'sluice_bench_follow_slot';
const PUBLICATION = 'sluice_bench_follow_pub';
const TICKS_PER_SECOND = 10;
const NATIVE = 'sluice_bench_follow_native';

if (!existsSync(sluiceBin)) {
  console.error('bench-follow: dist/cli/main.js is missing; run npm run build first');
  process.exit(2);
}

const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
const level = (await admin.query('SHOW wal_level')).rows[0].wal_level;
if (level !== 'logical') {
  console.log(`bench-follow: skipped, wal_level is ${level} (make postgres-logical sets it to logical)`);
  await admin.end();
  process.exit(0);
}

const nativeUrl = new URL(url);
nativeUrl.pathname = `/${NATIVE}`;
const cleanUpNative = async () => {
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [NATIVE])).rowCount > 0;
  if (exists) {
    const target = new pg.Client({ connectionString: nativeUrl.toString() });
    await target.connect();
    // A subscription whose slot is gone (or elsewhere) is dropped without it, then the slot on its own.
    const { rowCount } = await target.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [NATIVE]);
    if (rowCount > 0) await target.query(`ALTER SUBSCRIPTION ${NATIVE} DISABLE; ALTER SUBSCRIPTION ${NATIVE} SET (slot_name = NONE); DROP SUBSCRIPTION ${NATIVE}`);
    await target.end();
    await admin.query(`DROP DATABASE ${NATIVE} WITH (FORCE)`);
  }
  await admin.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active`, [NATIVE]);
  await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [NATIVE]);
  await admin.query(`DROP PUBLICATION IF EXISTS ${NATIVE}`);
};
const cleanUp = async () => {
  await cleanUpNative();
  await admin.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`, [SLOT]);
  await admin.query(`DROP PUBLICATION IF EXISTS ${PUBLICATION}; DROP SCHEMA IF EXISTS ${SOURCE} CASCADE; DROP SCHEMA IF EXISTS ${TARGET} CASCADE; DROP SCHEMA IF EXISTS ${TARGET}_internal CASCADE`);
};
await cleanUp();
await admin.query(`CREATE SCHEMA ${SOURCE};
  CREATE TABLE ${SOURCE}.events (id bigint PRIMARY KEY, kind text NOT NULL, amount numeric(14,4), note text, updated_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
// The baseline: a subscription in a second database. Its slot is made first: a subscription to the same server
// cannot create its own (CREATE SUBSCRIPTION would wait on itself).
await admin.query(`CREATE PUBLICATION ${NATIVE} FOR TABLE ${SOURCE}.events`);
await admin.query(`SELECT pg_create_logical_replication_slot('${NATIVE}', 'pgoutput')`);
await admin.query(`CREATE DATABASE ${NATIVE}`);
{
  const target = new pg.Client({ connectionString: nativeUrl.toString() });
  await target.connect();
  const conninfo = [`host=${url.hostname}`, `port=${url.port || 5432}`, `dbname=${url.pathname.slice(1)}`, `user=${decodeURIComponent(url.username || 'postgres')}`]
    .concat(url.password ? [`password=${decodeURIComponent(url.password)}`] : []).join(' ');
  await target.query(`CREATE SCHEMA ${SOURCE}; CREATE TABLE ${SOURCE}.events (id bigint PRIMARY KEY, kind text NOT NULL, amount numeric(14,4), note text, updated_at timestamptz NOT NULL)`);
  await target.query(`CREATE SUBSCRIPTION ${NATIVE} CONNECTION '${conninfo.replace(/'/g, "''")}' PUBLICATION ${NATIVE} WITH (create_slot = false, slot_name = '${NATIVE}', copy_data = false)`);
  await target.end();
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-follow-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const connection = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), username: decodeURIComponent(url.username || 'postgres'), password: decodeURIComponent(url.password) };
writeFileSync(join(dir, 'source.json'), JSON.stringify({ ...connection, schemas: [SOURCE], replication_method: { method: 'CDC', replication_slot: SLOT, publication: PUBLICATION } }));
writeFileSync(join(dir, 'destination.json'), JSON.stringify({ ...connection, schema: TARGET, internal_schema: `${TARGET}_internal` }));
const statePath = join(dir, 'state.json');

const follower = spawn(sluiceBin, [
  'sync', '--follow',
  '--source', 'source-postgres', '--source-config', join(dir, 'source.json'),
  '--destination', 'destination-postgres', '--destination-config', join(dir, 'destination.json'),
  '--streams', `${SOURCE}.events`, '--state', statePath, '--json',
], { stdio: ['ignore', 'pipe', 'pipe'] });
let followerOut = '';
let followerErr = '';
follower.stdout.on('data', (chunk) => (followerOut += chunk));
follower.stderr.on('data', (chunk) => (followerErr = (followerErr + chunk).slice(-4000)));
const followerExit = new Promise((resolveExit) => follower.on('close', (code) => resolveExit(code)));
let followerEnded = false;
void followerExit.then(() => (followerEnded = true));

/** Waits for `check` to be true (polled every 50 ms), failing the bench after `ms`. */
async function until(what, check, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (followerEnded) throw new Error(`the follower ended while waiting for ${what}: ${followerErr.slice(-1500)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const rssOf = (pid) => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return undefined;
  }
};
const mb = (bytes) => (bytes === undefined ? '?' : `${Math.round(bytes / 1e6)} MB`);

let exitCode = 0;
try {
  // Following once the first state is committed and the destination's table exists.
  await until('the first committed state', () => existsSync(statePath), 60_000);
  const tableExists = async () => (await admin.query(`SELECT to_regclass('${TARGET}.events') IS NOT NULL AS ok`)).rows[0].ok;
  await until('the destination table', tableExists, 60_000);

  const writer = new pg.Client({ connectionString: url.toString() });
  await writer.connect();
  const perTick = Math.round(perSecond / TICKS_PER_SECOND);
  const inserts = Math.round(perTick * 0.7);
  const updates = Math.round(perTick * 0.2);
  const deletes = perTick - inserts - updates;
  /** [last id of the transaction, when its COMMIT was sent, tick] in commit order. */
  const commits = [];
  let nextId = 1;
  let oldest = 1;
  let observing = true;
  /** Polls `table` through `connectionString` for its highest id; a commit is visible once its last id is. */
  const observe = (connectionString, table) => {
    const seen = { latencies: [], timeline: [], next: 0, drainedAt: undefined };
    seen.done = (async () => {
      const reader = new pg.Client({ connectionString });
      await reader.connect();
      const drainLimit = () => Date.now() > loadEndedAt + 60_000;
      while (observing || (seen.next < commits.length && !drainLimit())) {
        const { rows } = await reader.query(`SELECT coalesce(max(id), 0)::bigint AS id FROM ${table}`);
        const maxSeen = Number(rows[0].id);
        const now = Date.now();
        while (seen.next < commits.length && commits[seen.next][0] <= maxSeen) {
          const [, sentAt, tick] = commits[seen.next++];
          seen.latencies.push(now - sentAt);
          seen.timeline.push([tick, now - sentAt]);
        }
        if (!observing && seen.next === commits.length) seen.drainedAt = now;
        if (followerEnded) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await reader.end();
    })();
    return seen;
  };
  let loadEndedAt = Infinity;
  const sluiceSeen = observe(url.toString(), `${TARGET}.events`);
  const nativeSeen = observe(nativeUrl.toString(), `${SOURCE}.events`);

  // The Sluice process's memory, sampled every 10 s of the load: flat means the last minute's is the first minute's.
  const rssSamples = [];
  const sampleRss = () => rssSamples.push(rssOf(follower.pid) ?? 0);
  sampleRss();
  const rssTimer = setInterval(sampleRss, 10_000);
  const loadStart = Date.now();
  const ticks = seconds * TICKS_PER_SECOND;
  for (let tick = 0; tick < ticks; tick++) {
    const due = loadStart + (tick * 1000) / TICKS_PER_SECOND;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const first = nextId;
    nextId += inserts;
    const updateFrom = Math.max(oldest, nextId - 5000);
    await writer.query('BEGIN');
    await writer.query(
      `INSERT INTO ${SOURCE}.events (id, kind, amount, note) SELECT i, 'insert', i * 1.0001, md5(i::text) FROM generate_series($1::bigint, $2::bigint) AS i`,
      [first, nextId - 1],
    );
    await writer.query(`UPDATE ${SOURCE}.events SET kind = 'update', amount = amount + 1, updated_at = clock_timestamp() WHERE id IN (SELECT id FROM ${SOURCE}.events WHERE id >= $1 ORDER BY id LIMIT $2)`, [updateFrom, updates]);
    const deleted = await writer.query(`DELETE FROM ${SOURCE}.events WHERE id IN (SELECT id FROM ${SOURCE}.events WHERE id >= $1 ORDER BY id LIMIT $2) RETURNING id`, [oldest, deletes]);
    for (const row of deleted.rows) oldest = Math.max(oldest, Number(row.id) + 1);
    const sentAt = Date.now();
    await writer.query('COMMIT');
    commits.push([nextId - 1, sentAt, tick]);
  }
  const loadEnd = Date.now();
  loadEndedAt = loadEnd;
  clearInterval(rssTimer);
  sampleRss();
  observing = false;
  await Promise.all([sluiceSeen.done, nativeSeen.done]);
  const drainOf = (seen) => (seen.drainedAt === undefined ? undefined : Math.max(0, seen.drainedAt - loadEnd));

  // Every change applied: the final table matches the source (rows and their amounts).
  const fingerprint = async (table) =>
    (await admin.query(`SELECT count(*)::int AS rows, coalesce(sum(amount), 0)::text AS amount FROM ${table}`)).rows[0];
  const [sourcePrint, targetPrint] = [await fingerprint(`${SOURCE}.events`), await fingerprint(`${TARGET}.events`)];
  await writer.end();

  const figures = (seen) => {
    const sorted = [...seen.latencies].sort((a, b) => a - b);
    const pct = (p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
    const window = (from, to) => {
      const part = seen.timeline.filter(([tick]) => tick >= from && tick < to).map(([, ms]) => ms).sort((a, b) => a - b);
      return part.length === 0 ? NaN : part[Math.floor(part.length / 2)];
    };
    const ticks = seconds * TICKS_PER_SECOND;
    return { count: sorted.length, p50: pct(50), p95: pct(95), p99: pct(99), max: sorted.at(-1) ?? NaN, firstP50: window(0, 10 * TICKS_PER_SECOND), lastP50: window(ticks - 10 * TICKS_PER_SECOND, ticks), drainMs: drainOf(seen) };
  };
  const ours = figures(sluiceSeen);
  const native = figures(nativeSeen);
  const achieved = Math.round((((nextId - 1) / 0.7) * 1000) / (loadEnd - loadStart));
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const line = (f) => `p50 ${s(f.p50)}, p95 ${s(f.p95)}, p99 ${s(f.p99)}, max ${s(f.max)} over ${f.count} transactions`;
  console.log(`bench-follow: ${perSecond} changes/s for ${seconds} s (${(nextId - 1).toLocaleString('en-US')} inserts, ~${achieved} changes/s sent), source-postgres CDC → destination-postgres append_dedup, load ${loadavg()[0].toFixed(2)}`);
  console.log(`  commit → visible latency, sluice sync --follow:          ${line(ours)}`);
  console.log(`  commit → visible latency, PostgreSQL's own subscription: ${line(native)}`);
  console.log(`  ratio of the p50s sluice/PostgreSQL: ${(ours.p50 / native.p50).toFixed(1)} (Sluice commits the destination about once a second)`);
  console.log(`  targets: p50 < 1 s ${ours.p50 < 1000 ? 'met' : 'NOT met'}, p99 < 3 s ${ours.p99 < 3000 ? 'met' : 'NOT met'}`);
  const keptUp = ours.drainMs !== undefined && ours.drainMs < 3000 && ours.lastP50 < Math.max(2 * ours.firstP50, 1000);
  console.log(`  keeping up: p50 first 10 s ${s(ours.firstP50)}, last 10 s ${s(ours.lastP50)}; drained ${ours.drainMs === undefined ? 'NOT within 60 s' : `${s(ours.drainMs)} after the load stopped`}: ${keptUp ? 'no backlog growth' : 'BACKLOG GROWS'}`);
  const minuteOf = (samples) => Math.max(...samples);
  const firstMinute = minuteOf(rssSamples.slice(0, 7));
  const lastMinute = minuteOf(rssSamples.slice(-7));
  console.log(`  sluice process RSS: ${mb(rssSamples[0])} at the start, ${mb(rssSamples.at(-1))} at the end, peak of the first minute ${mb(firstMinute)}, of the last ${mb(lastMinute)}, min ${mb(Math.min(...rssSamples))}, max ${mb(Math.max(...rssSamples))} (${rssSamples.length} samples)`);
  const same = sourcePrint.rows === targetPrint.rows && sourcePrint.amount === targetPrint.amount;
  console.log(`  destination ${same ? 'matches' : 'DIFFERS FROM'} the source: ${targetPrint.rows} rows (source ${sourcePrint.rows}), sum(amount) ${targetPrint.amount} (source ${sourcePrint.amount})`);
  if (!same || ours.drainMs === undefined) exitCode = 1;
} catch (error) {
  console.error(`bench-follow: ${error.message}`);
  exitCode = 1;
} finally {
  if (!followerEnded) follower.kill('SIGINT');
  const code = await Promise.race([followerExit, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
  if (code === 'timeout') {
    follower.kill('SIGKILL');
    console.error('bench-follow: the follower did not stop within 30 s of SIGINT');
    exitCode = 1;
  } else if (code !== 130 && code !== 0) {
    console.error(`bench-follow: the follower exited ${code}: ${followerErr.slice(-1500)}`);
    exitCode = 1;
  }
  void followerOut;
  if (process.env.BENCH_KEEP !== '1') await cleanUp().catch((error) => console.error(`bench-follow: clean-up: ${error.message}`));
  await admin.end();
}
process.exit(exitCode);
