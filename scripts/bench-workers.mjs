// `make bench` (scale-out part): jobs per minute of a PostgreSQL workspace run by 1 and by 3 `sluice worker`
// processes (each --concurrency 2) behind one `sluice serve --no-worker`, on this machine, and the ratio; then the
// queue's latency from "sync now" (POST …/sync) to the job's start on an idle worker (its connectors are spawned right
// after), against the bar of 1 s. Each job is source-faker (BENCH_WORKER_RECORDS records, default 1000) into
// destination-dev-null; BENCH_WORKER_JOBS jobs per round (default 30). A database of its own on the machine's
// PostgreSQL (BENCH_PG_URL, as bench-postgres, default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '..');
const sluiceBin = join(root, 'dist/cli/main.js');
const jobs = Number(process.env.BENCH_WORKER_JOBS ?? 30);
const records = Number(process.env.BENCH_WORKER_RECORDS ?? 1000);
const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const database = `sluice_bench_workers_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const KEY = randomBytes(32).toString('base64');
const LATENCY_BAR_MS = 1000;
const load = () => `load ${loadavg()[0].toFixed(2)}`;

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-workers-'));
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

await admin(`CREATE DATABASE ${database}`);
try {
  console.log(`bench-workers: ${jobs} jobs of ${records} faker records each, per round`);
  const rates = [];
  for (const workerCount of [1, 3]) {
    const rate = await round(workerCount);
    rates.push(rate);
    console.log(`  ${workerCount} worker${workerCount > 1 ? 's' : ' '} (concurrency 2 each): ${rate.perMinute.toFixed(0)} jobs/min  (${rate.seconds.toFixed(1)} s for ${jobs} jobs; ${rate.load})`);
  }
  console.log(`  ratio 3 workers / 1 worker: ${(rates[1].perMinute / rates[0].perMinute).toFixed(2)} (on one 2-core machine every worker shares the same CPUs)`);
  const latencies = await syncNowLatency(5);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`  "sync now" to the job's start on an idle worker: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms over ${sorted.length} (bar ≤ ${LATENCY_BAR_MS} ms: ${sorted.at(-1) <= LATENCY_BAR_MS ? 'met' : 'NOT met'}; ${load()})`);
} finally {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
process.exit(0);

/** One round in its own workspace schema: `workerCount` workers take `jobs` runs triggered at once. */
async function round(workerCount) {
  const env = workspaceEnv(`round_${workerCount}`);
  await defineConnections(env, jobs);
  const workers = [];
  for (let i = 0; i < workerCount; i++) workers.push(await start(['worker', '--concurrency', '2'], /taking jobs/, { ...env, SLUICE_HOME: join(dir, `w${workerCount}-${i}`) }));
  const server = await start(['serve', '--no-worker', '--port', '0', '--tick', '0.2'], /listening on (http:\/\/\S+)/, env);
  try {
    const started = Date.now();
    await Promise.all(Array.from({ length: jobs }, (_, i) => call(server.match, 'POST', `/api/v1/connections/c${i}/sync`)));
    const done = await until(async () => {
      const list = (await call(server.match, 'GET', `/api/v1/jobs?limit=${jobs + 10}`)).data;
      return list.length === jobs && list.every((job) => job.status !== 'running') ? list : undefined;
    });
    const failed = done.filter((job) => job.status !== 'succeeded');
    if (failed.length > 0) throw new Error(`bench-workers: ${failed.length} jobs did not succeed: ${failed[0].failureMessage}`);
    const seconds = (Math.max(...done.map((job) => Date.parse(job.finishedAt))) - started) / 1000;
    return { perMinute: (jobs / seconds) * 60, seconds, load: load() };
  } finally {
    await Promise.all([server, ...workers].map(stop));
  }
}

/** Triggers one connection `times` times, each on an idle worker, and returns trigger → job start in ms. */
async function syncNowLatency(times) {
  const env = workspaceEnv('latency');
  await defineConnections(env, 1);
  const worker = await start(['worker', '--concurrency', '1'], /taking jobs/, { ...env, SLUICE_HOME: join(dir, 'latency-worker') });
  const server = await start(['serve', '--no-worker', '--port', '0'], /listening on (http:\/\/\S+)/, env);
  const latencies = [];
  try {
    for (let i = 0; i < times; i++) {
      const triggered = Date.now();
      await call(server.match, 'POST', '/api/v1/connections/c0/sync');
      const job = await until(async () => (await call(server.match, 'GET', '/api/v1/connections/c0/jobs')).data.find((item) => Date.parse(item.createdAt) >= triggered));
      latencies.push(Date.parse(job.createdAt) - triggered);
      await until(async () => ((await call(server.match, 'GET', `/api/v1/jobs/${job.id}`)).status !== 'running' ? true : undefined));
      // The worker is idle again: its next look at the queue comes at any point of its polling interval.
      await new Promise((resolveWait) => setTimeout(resolveWait, 300 + 100 * i));
    }
  } finally {
    await Promise.all([server, worker].map(stop));
  }
  return latencies;
}

function workspaceEnv(schema) {
  return { ...process.env, SLUICE_DATABASE_URL: databaseUrl, SLUICE_DATABASE_SCHEMA: schema, SLUICE_SECRET_KEY: KEY, SLUICE_HOME: join(dir, schema) };
}

async function defineConnections(env, count) {
  const file = join(dir, `${env.SLUICE_DATABASE_SCHEMA}.json`);
  writeFileSync(file, JSON.stringify({
    sources: [{ name: 'faker', connector: 'source-faker', config: { count: records } }],
    destinations: [{ name: 'void', connector: 'destination-dev-null', config: {} }],
    connections: Array.from({ length: count }, (_, i) => ({ name: `c${i}`, source: 'faker', destination: 'void' })),
  }));
  await run(['apply', '-f', file], env);
}

function run(args, env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [sluiceBin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`sluice ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** Starts `sluice ARGS` and resolves once its stdout matches `ready` (with the first group as `match`). */
function start(args, ready, env) {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [sluiceBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let seen = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const found = ready.exec(seen);
      if (found) resolveStart({ child, match: found[1] });
    });
    child.on('close', (code) => reject(new Error(`sluice ${args[0]} exited ${code}: ${stderr.slice(-1000)}`)));
  });
}

function stop({ child }) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop();
    child.on('close', () => {
      children.delete(child);
      resolveStop();
    });
    child.kill('SIGINT');
  });
}

async function call(base, method, path) {
  const response = await fetch(`${base}${path}`, { method });
  return response.json();
}

async function until(look, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('bench-workers: timed out waiting for the jobs');
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
