// A job's log lives in the store, not on the runner's disk: a running job's log shows through the API before it
// ends (its source holds until the test creates a marker file), the log is complete and readable by `sluice logs`
// once it has ended, and the workspace has no log file; a log over its cap keeps its first lines and ends with one
// line saying what was dropped; a store that refuses the log fails nothing but warns once; the log file of a job
// from before stays readable.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe } from '../support/server.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { openStore } from '../../control/store/open-store.js';

const postgresMissing = await postgresAvailability();

async function defineConnection(ws: Workspace, source: Record<string, unknown>): Promise<void> {
  expect((await ws.run(['source', 'create', 'counter', '--connector', fixture('counter-source.mjs'), '--config-json', JSON.stringify(source)])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, 'out') })])).exitCode).toBe(0);
  const created = await ws.run(['connection', 'create', 'counted', '--source', 'counter', '--destination', 'files']);
  expect(created.exitCode, created.stderr).toBe(0);
}

const msgs = (lines: Array<{ msg?: string }>): Array<string | undefined> => lines.map((line) => line.msg);

function followedLive(label: string, env: () => Record<string, string>): void {
  it(`shows a running job's log before it ends, then all of it, and writes no file (${label})`, async () => {
    const ws = workspace({ ...env(), SLUICE_JOB_LOG_FLUSH_MS: '50' });
    const release = join(ws.dir, 'release');
    await defineConnection(ws, { count: 10, records_per_state: 5, hold_at: [{ after: 5, until: release }] });
    const server = await startServe(ws.env);
    let id: number;
    try {
      // A PostgreSQL workspace queues the run for a worker (serve is one): the job appears once a worker starts it.
      expect((await api(server.url, 'POST', '/api/v1/connections/counted/sync')).status).toBe(202);
      id = (await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/counted/jobs')).body.data, (jobs) => jobs.length === 1, 30_000, 'the job to start'))[0].id;
      const held = await eventually(
        async () => (await api(server.url, 'GET', `/api/v1/jobs/${id}/logs`)).body.lines as Array<{ msg?: string }>,
        (lines) => msgs(lines).includes('holding at 5 records'),
        30_000,
        "the held job's log line",
      );
      // The source waits for the marker, so the job is still running: its log is read from the store while it runs.
      expect((await api(server.url, 'GET', `/api/v1/jobs/${id}`)).body.status).toBe('running');
      expect(held[0]).toMatchObject({ msg: `job ${id} started for connection counted`, job: id, connection: 'counted' });
      expect(msgs(held)).not.toContain(`job ${id} succeeded`);
      writeFileSync(release, 'go on');
      const ended = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${id}`)).body, (job) => job.status !== 'running', 30_000, 'the job to end');
      expect(ended).toMatchObject({ status: 'succeeded', recordsCommitted: 10 });
      const all = msgs((await api(server.url, 'GET', `/api/v1/jobs/${id}/logs`)).body.lines);
      expect(all.slice(0, held.length)).toEqual(msgs(held));
      expect(all.at(-1)).toBe(`job ${id} succeeded`);
    } finally {
      await server.stop();
    }
    const logs = await ws.run(['logs', String(id)]);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/INFO  job \d+ started for connection counted/);
    expect(logs.stdout).toContain(`INFO  [${fixture('counter-source.mjs')}] holding at 5 records`);
    expect(logs.stdout).toMatch(/INFO  job \d+ succeeded$/);
    expect(existsSync(join(ws.env['SLUICE_HOME']!, 'logs'))).toBe(false);
  });
}

describe.concurrent('job logs in a SQLite workspace', { timeout: 120_000 }, () => {
  followedLive('SQLite', () => ({}));

  it('keeps at most SLUICE_JOB_LOG_MAX_BYTES of a job log, then one line saying what was dropped', async () => {
    const ws = workspace({ SLUICE_JOB_LOG_MAX_BYTES: '3000' });
    // Each second record, the source prints a line that is not a protocol message: a log line each.
    await defineConnection(ws, { count: 200, records_per_state: 5, noise_every: 2 });
    const sync = await ws.run(['sync', 'counted', '--log-level', 'debug']);
    expect(sync.exitCode, sync.stderr).toBe(0);
    const stored = (await ws.run(['logs', '1', '--json'])).stdout.split('\n');
    const kept = stored.slice(0, -1);
    const last = JSON.parse(stored.at(-1)!);
    expect(JSON.parse(kept[0]!).msg).toBe('job 1 started for connection counted');
    expect(kept.reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0)).toBeLessThanOrEqual(3000);
    expect(last).toMatchObject({ level: 40, job: 1, connection: 'counted' });
    const [, lines, bytes] = /^the job's log reached its cap of 3000 bytes \(SLUICE_JOB_LOG_MAX_BYTES\): (\d+) more line\(s\), (\d+) bytes, were dropped$/.exec(last.msg)!;
    // The terminal had every line (--log-level debug echoes them): the dropped ones are those the store does not have.
    const echoed = sync.stderr.split('\n').filter((line) => line.includes('"job":1,"connection":"counted"'));
    expect(Number(lines)).toBe(echoed.length - kept.length);
    expect(Number(bytes)).toBe(echoed.slice(kept.length).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
    expect(echoed.at(-1)).toContain('"msg":"job 1 succeeded"');
    const store = await openStore({ workspace: ws.env['SLUICE_HOME'] });
    expect(await store.jobLogs.size(1)).toEqual({ storedBytes: stored.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0), droppedLines: Number(lines), droppedBytes: Number(bytes) });
    await store.close();
  });

  it('fails no job when the store refuses its log: one warning, and the job succeeds', async () => {
    const ws = workspace({ SLUICE_JOB_LOG_FLUSH_MS: '20' });
    await defineConnection(ws, { count: 30, records_per_state: 5, delay_ms_every: [10, 100] });
    const store = await openStore({ workspace: ws.env['SLUICE_HOME'] });
    await store.db.run('DROP TABLE job_log_chunks');
    await store.close();
    const sync = await ws.run(['sync', 'counted', '--json']);
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 30 });
    const warnings = sync.stderr.split('\n').filter((line) => line.includes('storing the log of job 1 failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^sluice: warning: storing the log of job 1 failed; the job goes on, lines that could not be stored are lost: .*job_log_chunks/);
  });

  it('reads the log file of a job that ran before logs were stored', async () => {
    const ws = workspace();
    await defineConnection(ws, { count: 1 });
    const file = join(ws.dir, 'job-1.log');
    const old = [{ level: 30, time: Date.parse('2026-11-30T10:00:00Z'), job: 1, connection: 'counted', msg: 'job 1 started for connection counted' }];
    writeFileSync(file, old.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const store = await openStore({ workspace: ws.env['SLUICE_HOME'] });
    const connection = (await store.connections.find('counted'))!;
    const job = await store.jobs.start(connection, 'manual', 'old-host:1');
    await store.jobs.finish(job.id, 'succeeded');
    await store.db.run('UPDATE jobs SET log_path = ? WHERE id = ?', [file, job.id]);
    await store.close();
    expect((await ws.run(['logs', String(job.id), '--json'])).stdout).toBe(JSON.stringify(old[0]));
    expect((await ws.run(['logs', String(job.id)])).stdout).toBe('10:00:00.000 INFO  job 1 started for connection counted');
  });
});

describe.runIf(!postgresMissing)('job logs in a PostgreSQL workspace', { timeout: 120_000 }, () => {
  const url = useFreshDatabase();
  followedLive('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 6).toString('base64') }));
});
