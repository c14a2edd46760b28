// A running job's numbers are live wherever it is looked at: its runner writes them to the job's row with each
// heartbeat, so `sluice jobs` in another process and the API of a server that does not run it see non-zero counts
// mid-run, and GET /jobs/{id} adds per-stream progress (live from the scheduler when the server runs the job), with
// the records a mapper filter dropped when it dropped some.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, type RunningServer } from '../support/server.js';

describe('a running job', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);
  beforeAll(async () => {
    ws = workspace({ SLUICE_HEARTBEAT_MS: '200' });
    server = await startServe(ws.env, ['--allow-custom-connectors']);
    base = `${server.url}/api/v1`;
    // 100 records, a pause of 300 ms every 5: about 6 s.
    const config = { count: 100, records_per_state: 5, delay_ms_every: [5, 300] };
    expect((await call('POST', '/sources', { name: 'slow', connector: fixture('counter-source.mjs'), config })).status).toBe(201);
    expect((await call('POST', '/destinations', { name: 'void', connector: 'destination-dev-null', config: {} })).status).toBe(201);
    expect((await call('POST', '/connections', { name: 'slow-to-void', source: 'slow', destination: 'void' })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('run by the server shows live counts and progress over the API, and in `sluice jobs` of another process', async () => {
    const id = (await call('POST', '/connections/slow-to-void/sync')).body.job.id as number;
    const detail = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status === 'running' && result.body.recordsCommitted > 0, 20_000, 'live counts');
    expect(detail.body.progress.streams).toEqual([expect.objectContaining({ name: 'items', recordsEmitted: expect.any(Number), bytesEmitted: expect.any(Number), recordsCommitted: expect.any(Number) })]);
    expect(detail.body.progress.streams[0].recordsEmitted).toBeGreaterThan(0);
    expect(detail.body.progress.recordsPerSecond).toBeGreaterThan(0);
    // No mapper filtered anything: no recordsFiltered, and `sluice jobs` does not speak of filtering.
    expect(Object.keys(detail.body.progress.streams[0])).not.toContain('recordsFiltered');
    const listed = await eventually(() => call('GET', '/jobs'), (result) => result.body.data[0].recordsEmitted > 0, 10_000, 'the list to show live counts');
    expect(listed.body.data[0]).toMatchObject({ id, status: 'running', attempts: 1 });
    const jobs = await eventually(() => ws.json(['jobs']), (list) => list[0].status === 'running' && list[0].recordsEmitted > 0, 10_000, '`sluice jobs` to show live counts');
    expect(jobs[0]).toMatchObject({ id, status: 'running' });
    const table = await ws.run(['jobs']);
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${id}\\s+slow-to-void\\s+running\\s+.*\\s\\d+ \\(\\d+ read\\)\\s*$`));
    const ended = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status !== 'running', 30_000, 'the job to end');
    expect(ended.body).toMatchObject({ status: 'succeeded', attempts: 1, recordsEmitted: 100, recordsCommitted: 100 });
    expect(ended.body.progress).toBeUndefined();
    expect((await ws.json(['jobs']))[0]).toMatchObject({ id, recordsEmitted: 100, recordsCommitted: 100, attempts: 1 });
  });

  it("counts a mapper filter's dropped records live, per stream, in the API's progress and in `sluice jobs` of another process", async () => {
    // ids 1..30 dropped; the rest (about 4 s at 5 records per 300 ms) still to come while the test looks.
    const created = await ws.run(['connection', 'create', 'filtered', '--source', 'slow', '--destination', 'void', '--map', 'items:filter(drop id <= 30)']);
    expect(created.exitCode, created.stderr).toBe(0);
    const id = (await call('POST', '/connections/filtered/sync')).body.job.id as number;
    const detail = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status === 'running' && result.body.progress?.streams[0]?.recordsFiltered === 30, 20_000, 'the filtered count');
    expect(detail.body.progress.streams).toEqual([expect.objectContaining({ name: 'items', recordsFiltered: 30 })]);
    expect(detail.body.progress.streams[0].recordsEmitted).toBeGreaterThanOrEqual(30);
    const table = await eventually(() => ws.run(['jobs', 'filtered']), (result) => /, 30 filtered\)/.test(result.stdout), 10_000, '`sluice jobs` to show the filtered count');
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${id}\\s+filtered\\s+running\\s+.*\\s\\d+ \\(\\d+ read, 30 filtered\\)\\s*$`));
    const ended = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status !== 'running', 30_000, 'the job to end');
    expect(ended.body).toMatchObject({ status: 'succeeded', recordsEmitted: 100, summary: { recordsFiltered: 30 } });
  });

  it('run by `sluice sync` in a terminal shows its live counts and progress in the API of a server that does not run it', async () => {
    expect((await call('POST', '/connections', { name: 'in-terminal', source: 'slow', destination: 'void' })).status).toBe(201);
    const sync = ws.run(['sync', 'in-terminal', '--log-level', 'warn']);
    const detail = await eventually(() => call('GET', '/jobs?connection=in-terminal&limit=1'), (result) => result.body.data[0]?.status === 'running' && result.body.data[0].recordsEmitted > 0, 20_000, 'live counts');
    const id = detail.body.data[0].id as number;
    expect(detail.body.data[0].trigger).toBe('manual');
    const shown = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.progress?.streams.length > 0, 10_000, 'progress from the row');
    expect(shown.body.progress.streams[0]).toMatchObject({ name: 'items' });
    expect(shown.body.progress.streams[0].recordsEmitted).toBeGreaterThan(0);
    expect((await sync).exitCode).toBe(0);
    expect((await call('GET', `/jobs/${id}`)).body).toMatchObject({ status: 'succeeded', recordsCommitted: 100 });
  });
});
