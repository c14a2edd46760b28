// Triggers racing each other on a PostgreSQL workspace, over real HTTP against real `sluice serve` processes, whose
// runs go through the job queue (each serve is also a worker): one run queued per connection however many triggers
// arrive at once, every other trigger a 409, at most `--concurrency` jobs at a time per worker, and every job ending
// in a final status.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, type ApiResult } from '../support/server.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();
const counter = fixture('counter-source.mjs');
const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

async function slowConnection(ws: Workspace, name: string, extra: string[] = []): Promise<void> {
  const config = { count: 20, records_per_state: 5, delay_ms_every: [4, 200] };
  expect((await ws.run(['source', 'create', `${name}-src`, '--connector', counter, '--config-json', JSON.stringify(config)])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', `${name}-dst`, '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, `out-${name}`) })])).exitCode).toBe(0);
  const created = await ws.run(['connection', 'create', name, '--source', `${name}-src`, '--destination', `${name}-dst`, ...extra]);
  expect(created.exitCode, created.stderr).toBe(0);
}

/** `count` POST …/sync for each connection, all sent at once, spread over the servers. */
async function triggerAll(urls: string[], names: string[], count: number): Promise<Map<string, ApiResult[]>> {
  const calls = names.flatMap((name) => Array.from({ length: count }, (_, i) => ({ name, call: api(urls[i % urls.length]!, 'POST', `/api/v1/connections/${name}/sync`) })));
  const results = await Promise.all(calls.map(async ({ name, call }) => ({ name, result: await call })));
  const byName = new Map<string, ApiResult[]>(names.map((name) => [name, []]));
  for (const { name, result } of results) byName.get(name)!.push(result);
  return byName;
}

async function allJobs(url: string): Promise<any[]> {
  return (await api(url, 'GET', '/api/v1/jobs')).body.data as any[];
}

/** The most jobs whose [createdAt, finishedAt] overlap at one instant. */
function peakConcurrency(jobs: any[]): number {
  const events = jobs.flatMap((job) => [[Date.parse(job.createdAt), 1], [Date.parse(job.finishedAt), -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (now += delta));
  return peak;
}

describe.runIf(!postgresMissing)('simultaneous triggers on a PostgreSQL workspace', { timeout: 120_000 }, () => {
  const url = useFreshDatabase();

  it('20 triggers at once of each of three connections queue one run each, at most 2 jobs at a time, and answer 409 otherwise', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY });
    for (const name of ['a', 'b', 'c']) await slowConnection(ws, name);
    const server = await startServe(ws.env, ['--concurrency', '2']);
    try {
      const results = await triggerAll([server.url], ['a', 'b', 'c'], 20);
      for (const [name, answers] of results) {
        expect(answers.filter((answer) => answer.status === 202).map((answer) => Object.keys(answer.body)), name).toEqual([['queued']]);
        const refused = answers.filter((answer) => answer.status === 409);
        expect(refused, name).toHaveLength(19);
        for (const answer of refused) {
          expect(answer.body.error.code).toBe('job.already_running');
          expect(answer.body.error.message).toMatch(new RegExp(`connection ${name} already has a (running job \\(job \\d+|run queued or starting)`));
        }
      }
      const jobs = await eventually(() => allJobs(server.url), (data) => data.length === 3 && data.every((job) => job.status !== 'running'), 60_000, 'three jobs to end');
      expect(jobs.map((job) => [job.connection, job.status]).sort()).toEqual([['a', 'succeeded'], ['b', 'succeeded'], ['c', 'succeeded']]);
      expect(peakConcurrency(jobs)).toBeLessThanOrEqual(2);
    } finally {
      await server.stop();
    }
  });

  it('two servers on one database queue one run for 20 triggers split between them, refuse the rest with 409, and one of them runs it', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY });
    await slowConnection(ws, 'shared');
    const first = await startServe(ws.env, ['--concurrency', '2']);
    const second = await startServe(ws.env, ['--concurrency', '2']);
    try {
      const answers = (await triggerAll([first.url, second.url], ['shared'], 20)).get('shared')!;
      expect(answers.filter((answer) => answer.status === 202)).toHaveLength(1);
      const refused = answers.filter((answer) => answer.status === 409);
      expect(refused).toHaveLength(19);
      for (const answer of refused) expect(answer.body.error.code).toBe('job.already_running');
      const jobs = await eventually(async () => (await allJobs(first.url)).filter((job) => job.connection === 'shared'), (data) => data.length === 1 && data[0].status !== 'running', 60_000, 'the job to end');
      expect(jobs.map((job) => job.status)).toEqual(['succeeded']);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('two servers on one database run a scheduled connection one job at a time; a start that loses the race is refused by the database, nothing else fails', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY });
    await slowConnection(ws, 'ticking', ['--schedule', 'every 1s']);
    const first = await startServe(ws.env);
    const second = await startServe(ws.env);
    let logs: string[] = [];
    try {
      await eventually(async () => (await allJobs(first.url)).filter((job) => job.connection === 'ticking' && job.status === 'succeeded'), (done) => done.length >= 3, 60_000, 'three scheduled jobs');
    } finally {
      logs = await Promise.all([first.stop(), second.stop()]);
    }
    const jobs = (await (async () => {
      const server = await startServe(ws.env);
      try {
        return await allJobs(server.url);
      } finally {
        await server.stop();
      }
    })()).filter((job) => job.connection === 'ticking' && job.status !== 'cancelled').reverse();
    expect(jobs.every((job) => job.status === 'succeeded')).toBe(true);
    for (let i = 1; i < jobs.length; i++) expect(Date.parse(jobs[i].createdAt)).toBeGreaterThanOrEqual(Date.parse(jobs[i - 1].finishedAt));
    // Both servers may find the connection due in the same second: the database's one-running-job rule refuses the
    // later start (job.already_running). Any other reason a scheduled job could not run is a failure.
    for (const log of logs) expect(log).not.toMatch(/could not run: (?!job\.already_running)/);
  });
});
