// Scale-out over a PostgreSQL workspace with real processes: one `sluice serve --no-worker` schedules, three
// `sluice worker` processes (each in its own working directory and workspace home, sharing only the database) run
// the jobs. Every connection runs exactly once, the jobs spread over the workers, and each job names its worker.
// Each test has a workspace schema of its own (and so a queue of its own) in the file's database. Worker labels:
// a connection that requires one runs only on a worker started with it.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { errorLine, fixture, jsonFile, tempDir } from '../support/cli.js';
import { rows, workspace } from '../support/workspace.js';
import { api, eventually, startServe, startWorker, type RunningWorker } from '../support/server.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();
const counter = fixture('counter-source.mjs');
const KEY = Buffer.alloc(32, 7).toString('base64');
const CONNECTIONS = 30;
const RULE = "lower-case letters, digits, '_', '-' and '.', starting with a letter or digit, at most 63 characters";

describe.runIf(!postgresMissing)('workers on a PostgreSQL workspace', { timeout: 240_000 }, () => {
  const url = useFreshDatabase();

  it('30 connections scheduled together run exactly once each, spread over three workers, with serve --no-worker running none', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_DATABASE_SCHEMA: 'spread', SLUICE_SECRET_KEY: KEY });
    // 20 records each, a pause every 4: a job lasts long enough that no worker can take them all.
    const source = { count: 20, records_per_state: 5, delay_ms_every: [4, 100] };
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: source }],
      destinations: Array.from({ length: CONNECTIONS }, (_, i) => ({ name: `files-${i}`, connector: 'destination-local-json', config: { destination_path: join(ws.dir, `out-${i}`) } })),
      connections: Array.from({ length: CONNECTIONS }, (_, i) => ({ name: `c${i}`, source: 'counter', destination: `files-${i}`, schedule: 'every 1h' })),
    };
    const applied = await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const workers: RunningWorker[] = [];
    for (let i = 0; i < 3; i++) {
      const home = tempDir('sluice-worker-');
      workers.push(await startWorker({ ...ws.env, SLUICE_HOME: join(home, 'home') }, home, ['--concurrency', '2']));
    }
    const server = await startServe(ws.env, ['--no-worker']);
    try {
      const listed = (await api(server.url, 'GET', '/api/v1/workers')).body.data as any[];
      expect(listed.map((worker) => [worker.id, worker.concurrency]).sort()).toEqual(workers.map((worker) => [worker.id, 2]).sort());
      expect((await ws.json(['workers'])).map((worker: any) => worker.id).sort()).toEqual(workers.map((worker) => worker.id).sort());
      const jobs = await eventually(async () => (await api(server.url, 'GET', '/api/v1/jobs?limit=100')).body.data as any[],
        (data) => data.length >= CONNECTIONS && data.every((job) => job.status !== 'running'), 180_000, 'every connection to have run');
      expect(jobs).toHaveLength(CONNECTIONS);
      expect(new Set(jobs.map((job) => job.connection)).size).toBe(CONNECTIONS);
      expect(jobs.every((job) => job.status === 'succeeded' && job.recordsCommitted === 20)).toBe(true);
      for (let i = 0; i < CONNECTIONS; i++) expect(rows(join(ws.dir, `out-${i}`), 'items')).toHaveLength(20);
      const ranBy = new Map(workers.map((worker) => [worker.id, 0]));
      for (const job of jobs) ranBy.set(job.runner, (ranBy.get(job.runner) ?? -1000) + 1);
      // Every job ran on one of the three workers (never on serve), and each worker ran some.
      expect([...ranBy.keys()].sort()).toEqual(workers.map((worker) => worker.id).sort());
      for (const [id, count] of ranBy) expect(count, id).toBeGreaterThan(0);
    } finally {
      await server.stop();
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    // Stopped workers are no longer listed.
    expect(await ws.json(['workers'])).toEqual([]);
  });

  it('SIGKILL of a worker mid-job: its run is taken over by another worker, which resumes from the committed state; every record lands once', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_DATABASE_SCHEMA: 'killed', SLUICE_SECRET_KEY: KEY, SLUICE_STALE_JOB_MS: '5000', SLUICE_HEARTBEAT_MS: '200', SLUICE_JOB_LOG_FLUSH_MS: '50' });
    const out = join(ws.dir, 'out');
    const release = join(ws.dir, 'release');
    // 20 records, a state every 5, and a hold after the 5th (its state written) until the test releases it.
    const source = { count: 20, records_per_state: 5, hold_at: [{ after: 5, until: release }] };
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: source }],
      destinations: [{ name: 'files', connector: 'destination-local-json', config: { destination_path: out } }],
      connections: [{ name: 'held', source: 'counter', destination: 'files' }],
    };
    expect((await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)])).exitCode).toBe(0);
    const home = (name: string) => ({ ...ws.env, SLUICE_HOME: join(ws.dir, name) });
    const first = await startWorker(home('first'), ws.dir);
    const server = await startServe(ws.env, ['--no-worker', '--backoff', '1']);
    let second: RunningWorker | undefined;
    try {
      expect((await api(server.url, 'POST', '/api/v1/connections/held/sync')).status).toBe(202);
      // The kill point: the first worker's job holds after 5 records, and their state is committed to the store.
      await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/held/state')).body.state as any[], (state) => state.length === 1, 30_000, 'the first state to be committed');
      second = await startWorker(home('second'), ws.dir);
      await first.kill();
      writeFileSync(release, 'go on');
      const jobs = await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/held/jobs')).body.data as any[],
        (data) => data.length === 2 && data[0].status !== 'running', 60_000, 'the retried job to end');
      const [retried, killed] = jobs;
      expect(killed).toMatchObject({ status: 'failed', failureCode: 'job.orphaned', runner: first.id });
      expect(retried).toMatchObject({ status: 'succeeded', trigger: 'retry', runner: second.id, recordsCommitted: 15 });
      const ids = rows(out, 'items').map((row) => row['id']);
      expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      writeFileSync(release, 'go on');
      await server.stop();
      await second?.stop();
    }
  });

  it('a worker that stops beating (frozen, its process alive) loses its run once the heartbeat is stale; another worker completes it, and the frozen one, woken, commits nothing', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_DATABASE_SCHEMA: 'frozen', SLUICE_SECRET_KEY: KEY, SLUICE_STALE_JOB_MS: '5000', SLUICE_HEARTBEAT_MS: '200' });
    const out = join(ws.dir, 'out');
    const release = join(ws.dir, 'release');
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: { count: 20, records_per_state: 5, hold_at: [{ after: 5, until: release }] } }],
      destinations: [{ name: 'files', connector: 'destination-local-json', config: { destination_path: out } }],
      connections: [{ name: 'held', source: 'counter', destination: 'files' }],
    };
    expect((await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)])).exitCode).toBe(0);
    const frozen = await startWorker({ ...ws.env, SLUICE_HOME: join(ws.dir, 'frozen') }, ws.dir);
    const server = await startServe(ws.env, ['--no-worker', '--backoff', '1']);
    let second: RunningWorker | undefined;
    try {
      expect((await api(server.url, 'POST', '/api/v1/connections/held/sync')).status).toBe(202);
      await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/held/state')).body.state as any[], (state) => state.length === 1, 30_000, 'the first state to be committed');
      second = await startWorker({ ...ws.env, SLUICE_HOME: join(ws.dir, 'second') }, ws.dir);
      frozen.child.kill('SIGSTOP');
      writeFileSync(release, 'go on');
      const jobs = await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/held/jobs')).body.data as any[],
        (data) => data.length === 2 && data[0].status !== 'running', 60_000, 'the taken-over job to end');
      expect(jobs[1]).toMatchObject({ status: 'failed', failureCode: 'job.orphaned', runner: frozen.id, failureMessage: expect.stringMatching(/sent no heartbeat for \d+ s/) });
      expect(jobs[0]).toMatchObject({ status: 'succeeded', trigger: 'retry', runner: second.id, recordsCommitted: 15 });
      // The frozen worker wakes up with its old job's records in its pipes: its heartbeat tells it the job was ended
      // elsewhere, and nothing it commits reaches the store (job, state) — the taken-over job's numbers stand.
      frozen.child.kill('SIGCONT');
      await frozen.stop();
      const after = (await api(server.url, 'GET', '/api/v1/connections/held/jobs')).body.data as any[];
      expect(after.map((job) => [job.id, job.status, job.recordsCommitted])).toEqual([[jobs[0].id, 'succeeded', 15], [jobs[1].id, 'failed', jobs[1].recordsCommitted]]);
      expect((await api(server.url, 'GET', '/api/v1/connections/held/state')).body.state[0].stream.stream_state).toEqual({ cursor: 20 });
      expect(rows(out, 'items').map((row) => row['id']).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      writeFileSync(release, 'go on');
      if (frozen.child.exitCode === null) await frozen.kill();
      await server.stop();
      await second?.stop();
    }
  });

  it('a job cancelled through the API stops on the worker that runs it and is recorded as cancelled', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_DATABASE_SCHEMA: 'cancelled', SLUICE_SECRET_KEY: KEY, SLUICE_HEARTBEAT_MS: '200' });
    const release = join(ws.dir, 'never');
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: { count: 20, records_per_state: 5, hold_at: [{ after: 5, until: release }] } }],
      destinations: [{ name: 'files', connector: 'destination-local-json', config: { destination_path: join(ws.dir, 'out') } }],
      connections: [{ name: 'held', source: 'counter', destination: 'files' }],
    };
    expect((await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)])).exitCode).toBe(0);
    const worker = await startWorker({ ...ws.env, SLUICE_HOME: join(ws.dir, 'worker') }, ws.dir);
    const server = await startServe(ws.env, ['--no-worker']);
    try {
      expect((await api(server.url, 'POST', '/api/v1/connections/held/sync')).status).toBe(202);
      await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/held/state')).body.state as any[], (state) => state.length === 1, 30_000, 'the job to hold after its first state');
      const [job] = (await api(server.url, 'GET', '/api/v1/connections/held/jobs')).body.data;
      expect(job).toMatchObject({ status: 'running', runner: worker.id });
      expect((await api(server.url, 'POST', `/api/v1/jobs/${job.id}/cancel`)).status).toBe(202);
      const ended = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.status !== 'running', 10_000, 'the job to stop');
      expect(ended).toMatchObject({ status: 'cancelled', failureCode: 'job.cancelled', recordsCommitted: 5 });
      expect((await api(server.url, 'GET', '/api/v1/workers')).body.data).toEqual([expect.objectContaining({ id: worker.id, runningJobs: [] })]);
    } finally {
      await server.stop();
      await worker.stop();
    }
  });

  it('the jobs of connections that require a worker label all run on the worker with that label; the others run on either', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY, SLUICE_DATABASE_SCHEMA: 'labels' });
    const source = { count: 10, records_per_state: 5, delay_ms_every: [5, 50] };
    const names = [...Array.from({ length: 4 }, (_, i) => `gpu${i}`), ...Array.from({ length: 6 }, (_, i) => `any${i}`)];
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: source }],
      destinations: names.map((name) => ({ name: `files-${name}`, connector: 'destination-local-json', config: { destination_path: join(ws.dir, `out-${name}`) } })),
      connections: names.map((name) => ({
        name, source: 'counter', destination: `files-${name}`, schedule: 'every 1h', ...(name.startsWith('gpu') ? { workerLabel: 'docker-gpu' } : {}),
      })),
    };
    const applied = await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const gpuHome = tempDir('sluice-worker-');
    const plainHome = tempDir('sluice-worker-');
    const gpu = await startWorker({ ...ws.env, SLUICE_HOME: join(gpuHome, 'home') }, gpuHome, ['--concurrency', '2', '--label', 'docker-gpu']);
    const plain = await startWorker({ ...ws.env, SLUICE_HOME: join(plainHome, 'home') }, plainHome, ['--concurrency', '2']);
    const server = await startServe(ws.env, ['--no-worker']);
    try {
      const listed = (await api(server.url, 'GET', '/api/v1/workers')).body.data as any[];
      expect(listed.map((worker) => [worker.id, worker.labels]).sort()).toEqual([[gpu.id, ['docker-gpu']], [plain.id, []]].sort());
      expect((await ws.json(['workers'])).map((worker: any) => [worker.id, worker.labels]).sort()).toEqual([[gpu.id, ['docker-gpu']], [plain.id, []]].sort());
      const jobs = await eventually(async () => (await api(server.url, 'GET', '/api/v1/jobs?limit=100')).body.data as any[],
        (data) => data.length >= names.length && data.every((job) => job.status !== 'running'), 120_000, 'every connection to have run');
      expect(jobs.map((job) => [job.connection, job.status, job.recordsCommitted]).sort()).toEqual(names.map((name) => [name, 'succeeded', 10]).sort());
      const runners = (prefix: string) => new Set(jobs.filter((job) => job.connection.startsWith(prefix)).map((job) => job.runner));
      expect(runners('gpu')).toEqual(new Set([gpu.id]));
      expect([...runners('any')].every((runner) => runner === gpu.id || runner === plain.id)).toBe(true);
      expect((await api(server.url, 'GET', '/api/v1/connections/gpu0')).body.workerLabel).toBe('docker-gpu');
      expect((await api(server.url, 'GET', '/api/v1/connections/any0')).body.workerLabel).toBeNull();
    } finally {
      await server.stop();
      await Promise.all([gpu.stop(), plain.stop()]);
    }
  });

  it('a worker label that is not valid is refused with one error line (sluice worker --label)', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY });
    const result = await ws.run(['worker', '--label', 'Docker GPU']);
    expect([result.exitCode, result.stderr.trim()]).toEqual([2, `sluice: cli.usage: --label "Docker GPU": a worker label is ${RULE}`]);
  });

  it('a worker whose database cannot be reached fails with one error line naming it', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', SLUICE_SECRET_KEY: KEY });
    const result = await ws.run(['worker']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^sluice: store\.unavailable: .*127\.0\.0\.1:1/);
  });

  it('a worker whose database has a newer schema than it knows fails with one error line', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY, SLUICE_DATABASE_SCHEMA: 'newer' });
    expect((await ws.run(['connection', 'list'])).exitCode).toBe(0);
    const admin = new pg.Client({ connectionString: url() });
    await admin.connect();
    try {
      await admin.query("INSERT INTO newer.schema_migrations (version, name, applied_at) VALUES (999, 'from-the-future', 0)");
    } finally {
      await admin.end();
    }
    const result = await ws.run(['worker']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^sluice: store\.schema_newer: the workspace database .* has schema version 999, newer than this Sluice knows \(\d+\)/);
  });
});

describe('worker labels of connections', { timeout: 60_000 }, () => {
  it('are set by apply, kept by export, changed and cleared by connection update, shown by list and show, and refused when not valid (CLI, API, apply)', async () => {
    const ws = workspace();
    const definitions = {
      sources: [{ name: 'counter', connector: counter, config: { count: 1 } }],
      destinations: [{ name: 'nowhere', connector: 'destination-dev-null', config: {} }],
      connections: [
        { name: 'heavy', source: 'counter', destination: 'nowhere', workerLabel: 'docker-gpu' },
        { name: 'light', source: 'counter', destination: 'nowhere' },
      ],
    };
    const file = jsonFile(ws.dir, 'sluice.json', definitions);
    expect((await ws.run(['apply', '-f', file])).exitCode).toBe(0);
    const exported = await ws.json(['export']);
    expect(exported.connections.map((connection: any) => [connection.name, connection.workerLabel])).toEqual([['heavy', 'docker-gpu'], ['light', null]]);
    const again = await ws.json(['apply', '-f', jsonFile(ws.dir, 'exported.json', exported)]);
    expect(again.changes.filter((change: any) => change.kind === 'connection').map((change: any) => change.action)).toEqual(['unchanged', 'unchanged']);
    const relabelled = { ...definitions, connections: [{ ...definitions.connections[0], workerLabel: 'big.mem_2' }, definitions.connections[1]] };
    const changed = await ws.json(['apply', '-f', jsonFile(ws.dir, 'relabelled.json', relabelled)]);
    expect(changed.changes.find((change: any) => change.name === 'heavy')).toEqual({ kind: 'connection', name: 'heavy', action: 'updated', fields: ['workerLabel'] });

    const badFile = { ...definitions, connections: [{ ...definitions.connections[0], workerLabel: 'Docker_GPU' }] };
    const badApply = await ws.run(['apply', '-f', jsonFile(ws.dir, 'bad.json', badFile)]);
    expect([badApply.exitCode, errorLine(badApply.stderr)]).toEqual([2, expect.stringMatching(/^sluice: apply\.invalid: .*bad\.json:\d+: connections\[0\]\.workerLabel: "Docker_GPU": a worker label is /)]);
    expect(badApply.stderr.trim().split('\n')).toHaveLength(1);

    expect((await ws.run(['connection', 'update', 'light', '--worker-label', 'docker-gpu'])).exitCode).toBe(0);
    const shown = async (name: string) => JSON.parse((await ws.run(['connection', 'show', name])).stdout);
    expect((await shown('light')).workerLabel).toBe('docker-gpu');
    expect((await ws.run(['connection', 'list'])).stdout).toMatch(/^light\s.*\sdocker-gpu\b/m);
    expect((await ws.run(['connection', 'update', 'light', '--no-worker-label'])).exitCode).toBe(0);
    expect((await ws.json(['connection', 'list'])).map((connection: any) => [connection.name, connection.workerLabel])).toEqual([['heavy', 'big.mem_2'], ['light', null]]);
    const badCli = await ws.run(['connection', 'create', 'odd', '--source', 'counter', '--destination', 'nowhere', '--worker-label', '_gpu']);
    expect([badCli.exitCode, badCli.stderr.trim()]).toEqual([2, `sluice: connection.invalid: workerLabel "_gpu": a worker label is ${RULE}`]);

    const server = await startServe(ws.env);
    try {
      const badApi = await api(server.url, 'PATCH', '/api/v1/connections/light', { workerLabel: 'x'.repeat(64) });
      expect(badApi).toEqual({ status: 400, body: { error: { code: 'connection.invalid', message: `workerLabel "${'x'.repeat(64)}": a worker label is ${RULE}` } } });
      const created = await api(server.url, 'POST', '/api/v1/connections', { name: 'api-made', source: 'counter', destination: 'nowhere', workerLabel: 'docker-gpu' });
      expect([created.status, created.body.workerLabel]).toEqual([201, 'docker-gpu']);
      const cleared = await api(server.url, 'PATCH', '/api/v1/connections/api-made', { workerLabel: null });
      expect([cleared.status, cleared.body.workerLabel]).toEqual([200, null]);
    } finally {
      await server.stop();
    }
    expect((await shown('light')).workerLabel).toBeNull();
  });
});

describe('workers on a SQLite workspace', () => {
  it('are refused: serve --no-worker and sluice worker say that jobs are queued only in a PostgreSQL workspace', async () => {
    const ws = workspace();
    const worker = await ws.run(['worker']);
    expect([worker.exitCode, worker.stderr.trim()]).toEqual([2, expect.stringMatching(/^sluice: cli\.usage: sluice worker takes jobs from a PostgreSQL workspace: set SLUICE_DATABASE_URL/)]);
    const serve = await ws.run(['serve', '--no-worker', '--port', '0']);
    expect([serve.exitCode, serve.stderr.trim()]).toEqual([2, expect.stringMatching(/^sluice: cli\.usage: --no-worker needs a PostgreSQL workspace/)]);
  });
});
