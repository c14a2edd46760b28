// Continuous connections (issue 15) in a real `sluice serve` on SQLite: the schedule `continuous` is accepted
// everywhere and garbage refused with one line; the scheduler keeps exactly one following job per active continuous
// connection; disabling stops it and nothing restarts until it is enabled again; a user's cancel is not undone by the
// scheduler, a run by hand starts it again; a failed job is restarted after a doubling backoff. "Nothing restarts" is
// shown without sleeping: an `every 1s` sentinel connection in the same server must run twice after the moment in
// question, so the scheduler has ticked past it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { errorLine, fixture, jsonFile } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, type RunningServer } from '../support/server.js';

const follows = fixture('follows-source.mjs');
const counter = fixture('counter-source.mjs');

/** A continuous connection `name` over follows-source (a long batch when the runtime does not follow yet). */
async function continuousConnection(ws: Workspace, name: string, config: Record<string, unknown> = {}, extra: string[] = []): Promise<void> {
  expect((await ws.run(['source', 'create', `${name}-src`, '--connector', follows, '--config-json', JSON.stringify({ batch: 1000, every_ms: 100, ...config })])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', `${name}-dst`, '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, `out-${name}`) })])).exitCode).toBe(0);
  const created = await ws.run(['connection', 'create', name, '--source', `${name}-src`, '--destination', `${name}-dst`, '--schedule', 'continuous', ...extra]);
  expect(created.stderr).toBe('');
  expect(created.stdout).toContain('schedule continuous');
}

async function sentinel(ws: Workspace): Promise<void> {
  expect((await ws.run(['source', 'create', 'tick-src', '--connector', counter, '--config-json', JSON.stringify({ count: 1 })])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', 'tick-dst', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, 'out-tick') })])).exitCode).toBe(0);
  expect((await ws.run(['connection', 'create', 'tick', '--source', 'tick-src', '--destination', 'tick-dst', '--schedule', 'every 1s'])).exitCode).toBe(0);
}

const shown = async (ws: Workspace, name: string): Promise<any> => JSON.parse((await ws.run(['connection', 'show', name])).stdout);

const jobsOf = async (server: RunningServer, name: string): Promise<any[]> => (await api(server.url, 'GET', `/api/v1/jobs?connection=${name}`)).body.data;

/** Waits until the sentinel has run two jobs created after `since`: the scheduler has ticked past that moment. */
async function schedulerTickedPast(server: RunningServer, since: number): Promise<void> {
  await eventually(() => jobsOf(server, 'tick'), (jobs) => jobs.filter((job) => Date.parse(job.createdAt) > since && job.status !== 'running').length >= 2, 20_000, 'two sentinel jobs');
}

/** The data of the first `progress` event of a job's server-sent events; the stream is left once it came. */
async function firstProgressEvent(url: string): Promise<any> {
  const leaving = new AbortController();
  const response = await fetch(url, { signal: leaving.signal });
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      // Whole events only: the last piece may still be arriving.
      const block = text.split('\n\n').slice(0, -1).find((item) => item.startsWith('event: progress\n'));
      if (block) return JSON.parse(block.slice(block.indexOf('data: ') + 6));
    }
  } finally {
    leaving.abort();
  }
  throw new Error(`no progress event in: ${text}`);
}

/** The connection's running job, once there is one. */
const runningJob = (server: RunningServer, name: string): Promise<any> =>
  eventually(() => jobsOf(server, name), (jobs) => jobs[0]?.status === 'running' && jobs[0]?.follow !== null, 20_000, `a running job of ${name}`).then((jobs) => jobs[0]);

describe('continuous connections on SQLite', { timeout: 30_000 }, () => {
  it('accepts the schedule continuous from the CLI, an apply file and the API, and refuses garbage with one line', async () => {
    const ws = workspace();
    await continuousConnection(ws, 'cdc');
    expect((await shown(ws, 'cdc')).schedule).toBe('continuous');
    // The commit interval its jobs will get: a server refuses a bad one at its start, with one line.
    const badInterval = await ws.run(['serve', '--port', '0'], { env: { SLUICE_COMMIT_INTERVAL_MS: '1.5s' } });
    expect(badInterval.exitCode).toBe(2);
    expect(errorLine(badInterval.stderr)).toBe('sluice: config.invalid: SLUICE_COMMIT_INTERVAL_MS must be a positive whole number of milliseconds, not "1.5s"');
    const refused = await ws.run(['connection', 'update', 'cdc', '--schedule', 'continuously']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(errorLine(refused.stderr)).toMatch(/^sluice: schedule.invalid: schedule "continuously": /);
    expect((await ws.run(['connection', 'update', 'cdc', '--schedule', 'every 1h'])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'update', 'cdc', '--schedule', ' Continuous '])).exitCode).toBe(0);
    expect((await shown(ws, 'cdc')).schedule).toBe('continuous');

    const file = jsonFile(ws.dir, 'sluice.json', { connections: [{ name: 'cdc', source: 'cdc-src', destination: 'cdc-dst', schedule: 'every 5m' }] });
    expect((await ws.run(['apply', '-f', file])).exitCode).toBe(0);
    const yaml = join(ws.dir, 'sluice.yaml');
    writeFileSync(yaml, 'connections:\n  - name: cdc\n    source: cdc-src\n    destination: cdc-dst\n    schedule: continuous\n');
    const applied = await ws.run(['apply', '-f', yaml]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await shown(ws, 'cdc')).schedule).toBe('continuous');

    const server = await startServe(ws.env);
    try {
      // Disabled first, so the scheduler leaves it alone while the API is asked.
      expect((await api(server.url, 'POST', '/api/v1/connections/cdc/disable')).status).toBe(200);
      const ok = await api(server.url, 'PATCH', '/api/v1/connections/cdc', { schedule: 'continuous' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ schedule: 'continuous', nextRunAt: null });
      const bad = await api(server.url, 'PATCH', '/api/v1/connections/cdc', { schedule: 'sometimes' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('schedule.invalid');
      expect(bad.body.error.message).toMatch(/^schedule "sometimes": /);
      expect(bad.body.error.hint).toContain('"continuous"');
    } finally {
      await server.stop();
    }
  });

  it('keeps exactly one following job running; disabling stops it and nothing restarts; enabling starts one', async () => {
    const ws = workspace({ SLUICE_HEARTBEAT_MS: '200' });
    await continuousConnection(ws, 'cdc');
    await sentinel(ws);
    const server = await startServe(ws.env, ['--backoff', '0.5']);
    try {
      const job = await runningJob(server, 'cdc');
      expect(job).toMatchObject({ trigger: 'schedule', follow: { restarts: expect.any(Number), changesPerSecond: expect.any(Number), streams: expect.any(Object) } });
      // Its figures are in the row, for every process: `sluice jobs` shows them.
      const listed = await ws.run(['jobs', 'cdc']);
      expect(listed.stdout).toMatch(/running .* · lag (-|\d+\.\ds) · \d+ changes\/s/);
      await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.recordsCommitted > 0, 20_000, 'a first commit');
      // The live progress stream carries the follow figures.
      expect(await firstProgressEvent(`${server.url}/api/v1/jobs/${job.id}/events`)).toMatchObject({ job: job.id, status: 'running', follow: { changesPerSecond: expect.any(Number) } });
      // One job at a time: while it runs, the scheduler starts no other.
      await schedulerTickedPast(server, Date.now());
      expect((await jobsOf(server, 'cdc')).map((item) => [item.id, item.status])).toEqual([[job.id, 'running']]);

      const disabledAt = Date.now();
      expect((await ws.run(['connection', 'disable', 'cdc'])).exitCode).toBe(0);
      const stopped = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.status !== 'running', 20_000, 'the job to stop');
      expect(stopped).toMatchObject({ status: 'cancelled', failureCode: 'job.stopped_following' });
      expect(stopped.recordsCommitted).toBeGreaterThan(0);
      await schedulerTickedPast(server, Math.max(disabledAt, Date.parse(stopped.finishedAt)));
      expect((await jobsOf(server, 'cdc')).map((item) => item.id)).toEqual([job.id]);

      expect((await api(server.url, 'POST', '/api/v1/connections/cdc/enable')).status).toBe(200);
      const again = await runningJob(server, 'cdc');
      expect(again.id).toBeGreaterThan(job.id);
      expect(again).toMatchObject({ trigger: 'schedule' });
    } finally {
      await server.stop();
    }
  });

  it('a cancelled job is not restarted; a run by hand follows again; leaving continuous stops it', async () => {
    const ws = workspace({ SLUICE_HEARTBEAT_MS: '200' });
    await continuousConnection(ws, 'cdc');
    await sentinel(ws);
    const server = await startServe(ws.env, ['--backoff', '0.5']);
    try {
      const job = await runningJob(server, 'cdc');
      expect((await api(server.url, 'POST', `/api/v1/jobs/${job.id}/cancel`)).status).toBe(202);
      const cancelled = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${job.id}`)).body, (body) => body.status !== 'running', 20_000, 'the cancelled job');
      expect(cancelled).toMatchObject({ status: 'cancelled', failureCode: 'job.cancelled' });
      await schedulerTickedPast(server, Date.parse(cancelled.finishedAt));
      expect((await jobsOf(server, 'cdc')).map((item) => item.id)).toEqual([job.id]);

      const manual = await api(server.url, 'POST', '/api/v1/connections/cdc/sync');
      expect(manual.status).toBe(202);
      expect(manual.body.job).toMatchObject({ trigger: 'api', status: 'running' });
      await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${manual.body.job.id}`)).body, (body) => body.follow !== null, 20_000, 'the manual job to follow');

      expect((await api(server.url, 'PATCH', '/api/v1/connections/cdc', { schedule: 'every 1h' })).status).toBe(200);
      const left = await eventually(async () => (await api(server.url, 'GET', `/api/v1/jobs/${manual.body.job.id}`)).body, (body) => body.status !== 'running', 20_000, 'the job to stop');
      expect(left).toMatchObject({ status: 'cancelled', failureCode: 'job.stopped_following' });
    } finally {
      await server.stop();
    }
  });

  it('a server that stopped (SIGINT) cancels the following job, and the next server starts it again', async () => {
    const ws = workspace({ SLUICE_HEARTBEAT_MS: '200' });
    await continuousConnection(ws, 'cdc');
    const first = await startServe(ws.env, ['--backoff', '0.5']);
    const job = await runningJob(first, 'cdc');
    await first.stop();
    const [ended] = await ws.json(['jobs', 'cdc']);
    expect(ended).toMatchObject({ id: job.id, status: 'cancelled', cancelRequested: false });
    const second = await startServe(ws.env, ['--backoff', '0.5']);
    try {
      const again = await runningJob(second, 'cdc');
      expect(again).toMatchObject({ trigger: 'schedule' });
      expect(again.id).toBeGreaterThan(job.id);
    } finally {
      await second.stop();
    }
  });

  it('restarts a failed job after a backoff that doubles with each consecutive failure', async () => {
    const ws = workspace({ SLUICE_HEARTBEAT_MS: '200' });
    await continuousConnection(ws, 'flaky', { fail_runs: { count: 2, log: join(ws.dir, 'runs.log') } });
    const server = await startServe(ws.env, ['--backoff', '1']);
    try {
      const jobs = await eventually(() => jobsOf(server, 'flaky'), (data) => data.length >= 3 && data[0].status === 'running', 25_000, 'a third job running');
      const [third, second, first] = jobs.slice(0, 3);
      expect([first.status, first.failureCode, second.status, second.failureCode]).toEqual(['failed', 'connector.failed', 'failed', 'connector.failed']);
      expect(third.trigger).toBe('schedule');
      expect(Date.parse(second.createdAt) - Date.parse(first.finishedAt)).toBeGreaterThanOrEqual(1000);
      expect(Date.parse(third.createdAt) - Date.parse(second.finishedAt)).toBeGreaterThanOrEqual(2000);
    } finally {
      await server.stop();
    }
  });
});
