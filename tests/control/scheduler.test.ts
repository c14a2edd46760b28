// The scheduler in a real `sluice serve`: intervals, the concurrency limit and queue, cancellation, retries
// with backoff, and a server killed mid-job that recovers on restart.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fixture } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe } from '../support/server.js';

const counter = fixture('counter-source.mjs');

async function slowConnection(ws: Workspace, name: string, config: Record<string, unknown>, extra: string[] = []): Promise<string> {
  const out = join(ws.dir, `out-${name}`);
  expect((await ws.run(['source', 'create', `${name}-src`, '--connector', counter, '--config-json', JSON.stringify(config)])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', `${name}-dst`, '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
  const created = await ws.run(['connection', 'create', name, '--source', `${name}-src`, '--destination', `${name}-dst`, ...extra]);
  expect(created.stderr).toBe('');
  return out;
}

describe.concurrent('the scheduler', { timeout: 150_000 }, () => {
  it('runs a connection on its interval, one job at a time', async () => {
    const ws = workspace();
    await slowConnection(ws, 'ticker', { count: 5 }, ['--schedule', 'every 1s']);
    const server = await startServe(ws.env);
    try {
      const jobs = await eventually(
        async () => (await api(server.url, 'GET', '/api/v1/jobs?connection=ticker')).body.data as any[],
        (data) => data.filter((job) => job.status === 'succeeded').length >= 2,
        30_000,
        'two scheduled jobs',
      );
      const done = jobs.filter((job) => job.status !== 'running').reverse();
      expect(done.every((job) => job.trigger === 'schedule' && job.status === 'succeeded')).toBe(true);
      for (let i = 1; i < done.length; i++) expect(Date.parse(done[i].createdAt)).toBeGreaterThanOrEqual(Date.parse(done[i - 1].finishedAt));
    } finally {
      await server.stop();
    }
  });

  it('queues what is over the concurrency limit and runs it when a job ends', async () => {
    const ws = workspace();
    await slowConnection(ws, 'one', { count: 20, records_per_state: 5, delay_ms_every: [5, 200] });
    await slowConnection(ws, 'two', { count: 20, records_per_state: 5, delay_ms_every: [5, 200] });
    const server = await startServe(ws.env, ['--concurrency', '1']);
    try {
      const first = await api(server.url, 'POST', '/api/v1/connections/one/sync');
      expect(first.body.job).toMatchObject({ status: 'running', connection: 'one' });
      expect(await api(server.url, 'POST', '/api/v1/connections/two/sync')).toEqual({ status: 202, body: { queued: 1 } });
      expect((await api(server.url, 'GET', '/api/v1/health')).body).toMatchObject({ running: [first.body.job.id], queued: 1, concurrency: 1 });
      const jobs = await eventually(
        async () => (await api(server.url, 'GET', '/api/v1/jobs')).body.data as any[],
        (data) => data.length === 2 && data.every((job) => job.status === 'succeeded'),
        30_000,
        'both jobs',
      );
      const [two, one] = jobs;
      expect([one.connection, two.connection]).toEqual(['one', 'two']);
      expect(Date.parse(two.createdAt)).toBeGreaterThanOrEqual(Date.parse(one.finishedAt));
    } finally {
      await server.stop();
    }
  });

  it('cancels a running job on request; what the destination acknowledged stays committed', async () => {
    const ws = workspace();
    await slowConnection(ws, 'slow', { count: 1000, records_per_state: 5, delay_ms_every: [5, 100] });
    const server = await startServe(ws.env);
    try {
      const started = await api(server.url, 'POST', '/api/v1/connections/slow/sync');
      const id = started.body.job.id;
      await eventually(async () => (await api(server.url, 'GET', '/api/v1/connections/slow/state')).body.state, (state) => state.length > 0, 20_000, 'a first commit');
      expect((await api(server.url, 'POST', `/api/v1/jobs/${id}/cancel`)).status).toBe(202);
      const job = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${id}`)).body, (body) => body.status !== 'running', 20_000, 'the cancelled job');
      expect(job).toMatchObject({ status: 'cancelled', failureCode: 'job.cancelled' });
      expect(job.recordsCommitted).toBeGreaterThan(0);
      expect(job.recordsCommitted).toBeLessThan(1000);
    } finally {
      await server.stop();
    }
  });

  it('retries a transient failure with backoff from the last committed state', async () => {
    const ws = workspace();
    const out = await slowConnection(ws, 'flaky', { count: 30, records_per_state: 10, fail_once: { after: 15, marker: join(ws.dir, 'failed-once') } });
    const result = await ws.json(['sync', 'flaky', '--backoff', '0.2', '--log-level', 'warn']);
    expect(result).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [job] = await ws.json(['jobs', 'flaky']);
    expect(job.attempts).toBe(2);
    expect(job.attemptHistory.map((attempt: any) => [attempt.number, attempt.status, attempt.failureCode])).toEqual([
      [1, 'failed', 'connector.failed'],
      [2, 'succeeded', null],
    ]);
    expect(new Set(rows(out, 'items').map((row) => row.id)).size).toBe(30);
  });
});

describe('a server killed mid-job', () => {
  it('marks the job it left running failed on restart, and retries it to completion from the stored state', async () => {
    const ws = workspace();
    const out = await slowConnection(ws, 'crashy', { count: 60, records_per_state: 5, delay_ms_every: [5, 150] });
    const first = await startServe(ws.env);
    const started = await api(first.url, 'POST', '/api/v1/connections/crashy/sync');
    await eventually(async () => (await api(first.url, 'GET', '/api/v1/connections/crashy/state')).body.state, (state) => state.length > 0, 20_000, 'a first commit');
    await first.kill();

    const second = await startServe(ws.env);
    try {
      const jobs = await eventually(
        async () => (await api(second.url, 'GET', '/api/v1/jobs?connection=crashy')).body.data as any[],
        (data) => data.length === 2 && data[0].status === 'succeeded',
        30_000,
        'the retry to succeed',
      );
      const [retry, crashed] = jobs;
      expect(crashed).toMatchObject({ id: started.body.job.id, status: 'failed', failureCode: 'job.orphaned' });
      expect(crashed.failureMessage).toMatch(/^the process that ran it \(.+:\d+\) stopped before the job finished$/);
      expect(retry).toMatchObject({ trigger: 'retry', status: 'succeeded' });
      expect(retry.recordsCommitted).toBeLessThan(60);
      const ids = rows(out, 'items').map((row) => row.id);
      expect(new Set(ids).size).toBe(60);
    } finally {
      await second.stop();
    }
  });
});
