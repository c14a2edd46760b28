// Continuous connections on a PostgreSQL workspace (issue 15): `serve --no-worker` queues the following job, a
// `sluice worker` runs it; disabling the connection from another process (the CLI) stops it on its worker through the
// job row's cancel flag, nothing restarts it, and enabling it queues a new one. A worker that dies has its following
// job restarted on another worker. pg-boss's expiry of an active run (a
// following job runs for days; pg-boss 10 fails an active run past its expiry and retries it) never runs the
// connection twice: the retry finds the job still running and is dropped. The expiry is pg-boss's own statement
// (plans.failJobsByTimeout), run at once on a run whose expiry was shortened, instead of waiting 23 hours.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fixture, jsonFile, tempDir } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, startWorker, type RunningServer, type RunningWorker } from '../support/server.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();
const follows = fixture('follows-source.mjs');
const counter = fixture('counter-source.mjs');
const KEY = Buffer.alloc(32, 9).toString('base64');
const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as { failJobsByTimeout(schema: string): string };

/** A continuous connection `cdc` and an `every 1s` sentinel `tick`, applied to the workspace. */
async function define(ws: Workspace): Promise<void> {
  const definitions = {
    sources: [
      { name: 'follows', connector: follows, config: { batch: 1000, every_ms: 100 } },
      { name: 'counter', connector: counter, config: { count: 1 } },
    ],
    destinations: [
      { name: 'files', connector: 'destination-local-json', config: { destination_path: join(ws.dir, 'out') } },
      { name: 'tick-files', connector: 'destination-local-json', config: { destination_path: join(ws.dir, 'out-tick') } },
    ],
    connections: [
      { name: 'cdc', source: 'follows', destination: 'files', schedule: 'continuous' },
      { name: 'tick', source: 'counter', destination: 'tick-files', schedule: 'every 1s' },
    ],
  };
  const applied = await ws.run(['apply', '-f', jsonFile(ws.dir, 'sluice.json', definitions)]);
  expect(applied.exitCode, applied.stderr).toBe(0);
}

const jobsOf = async (server: RunningServer, name: string): Promise<any[]> => (await api(server.url, 'GET', `/api/v1/jobs?connection=${name}`)).body.data;

const runningJob = (server: RunningServer, name: string): Promise<any> =>
  eventually(() => jobsOf(server, name), (jobs) => jobs[0]?.status === 'running' && jobs[0]?.follow !== null, 20_000, `a running job of ${name}`).then((jobs) => jobs[0]);

describe.runIf(!postgresMissing)('continuous connections on a PostgreSQL workspace', { timeout: 30_000 }, () => {
  const url = useFreshDatabase();

  async function start(schema: string, env: Record<string, string> = {}): Promise<{ ws: Workspace; server: RunningServer; worker: RunningWorker; stop(): Promise<void> }> {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_DATABASE_SCHEMA: schema, SLUICE_SECRET_KEY: KEY, SLUICE_HEARTBEAT_MS: '200', ...env });
    await define(ws);
    const home = tempDir('sluice-worker-');
    const worker = await startWorker({ ...ws.env, SLUICE_HOME: join(home, 'home') }, home, ['--concurrency', '3']);
    const server = await startServe(ws.env, ['--no-worker', '--backoff', '0.5']);
    return { ws, server, worker, stop: async () => void (await Promise.all([server.stop(), worker.stop()])) };
  }

  it('a worker runs the following job; disabling from the CLI stops it there and nothing restarts; enabling queues a new one', async () => {
    const { ws, server, worker, stop } = await start('cont_toggle');
    try {
      const job = await runningJob(server, 'cdc');
      expect(job).toMatchObject({ runner: worker.id, follow: { restarts: expect.any(Number) } });
      const disabledAt = Date.now();
      expect((await ws.run(['connection', 'disable', 'cdc'])).exitCode).toBe(0);
      const stopped = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.status !== 'running', 20_000, 'the job to stop');
      expect(stopped).toMatchObject({ status: 'cancelled', failureCode: 'job.stopped_following' });
      // The scheduler ticked past the stop (two sentinel jobs since), and started nothing for cdc.
      await eventually(() => jobsOf(server, 'tick'), (jobs) => jobs.filter((item) => Date.parse(item.createdAt) > Math.max(disabledAt, Date.parse(stopped.finishedAt)) && item.status !== 'running').length >= 2, 20_000, 'two sentinel jobs');
      expect((await jobsOf(server, 'cdc')).map((item) => item.id)).toEqual([job.id]);

      expect((await ws.run(['connection', 'enable', 'cdc'])).exitCode).toBe(0);
      const again = await runningJob(server, 'cdc');
      expect(again).toMatchObject({ runner: worker.id, trigger: 'schedule' });
      expect(again.id).toBeGreaterThan(job.id);
    } finally {
      await stop();
    }
  });

  it('a following job whose worker died (SIGKILL) is restarted on another worker, one job at a time', async () => {
    const { ws, server, worker } = await start('cont_killed', { SLUICE_STALE_JOB_MS: '3000' });
    let second: RunningWorker | undefined;
    try {
      const job = await runningJob(server, 'cdc');
      expect(job.runner).toBe(worker.id);
      await worker.kill();
      const home = tempDir('sluice-worker-');
      second = await startWorker({ ...ws.env, SLUICE_HOME: join(home, 'home') }, home, ['--concurrency', '3']);
      const taken = await eventually(() => jobsOf(server, 'cdc'), (jobs) => jobs[0]?.status === 'running' && jobs[0]?.follow !== null && jobs[0].runner === second!.id, 25_000, 'the job on the second worker');
      expect(taken.map((item) => [item.id, item.status, item.failureCode])).toEqual([[taken[0].id, 'running', null], [job.id, 'failed', 'job.orphaned']]);
      expect(taken[0].follow).not.toBeNull();
    } finally {
      // The first worker was killed (or is killed now, should the test have failed before).
      await Promise.all([server.stop(), second?.stop(), worker.kill()]);
    }
  });

  it("pg-boss's expiry of the following job's run retries it, and the retry is dropped: the connection never runs twice", async () => {
    const { server, stop } = await start('cont_expiry');
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      const job = await runningJob(server, 'cdc');
      const queue = '"cont_expiry_queue"';
      const run = (await client.query(`SELECT id FROM ${queue}.job WHERE singleton_key = $1 AND state = 'active'`, [job.connectionId])).rows[0].id as string;
      // The run expires now (pg-boss's own statement), and its retry is due at once rather than after the retry delay.
      await client.query(`UPDATE ${queue}.job SET expire_in = interval '1 second', started_on = now() - interval '1 minute' WHERE id = $1`, [run]);
      await client.query(plans.failJobsByTimeout(queue));
      expect((await client.query(`SELECT state FROM ${queue}.job WHERE id = $1`, [run])).rows[0].state).toBe('retry');
      await client.query(`UPDATE ${queue}.job SET start_after = now() WHERE id = $1`, [run]);
      // A worker takes the retry, finds the connection's job running, and ends the run without running anything.
      await eventually(async () => (await client.query(`SELECT state FROM ${queue}.job WHERE id = $1`, [run])).rows[0].state, (state) => state === 'completed', 20_000, 'the retried run to be dropped');
      expect((await jobsOf(server, 'cdc')).map((item) => [item.id, item.status])).toEqual([[job.id, 'running']]);
      // The job still runs and commits.
      const before = (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body.recordsCommitted;
      await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.status === 'running' && body.recordsCommitted > before, 20_000, 'more commits');
    } finally {
      await client.end();
      await stop();
    }
  });
});
