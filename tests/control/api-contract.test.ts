// The API's contract, checked against a running `sluice serve`: its OpenAPI document is a valid OpenAPI 3.1
// document in which every operation declares typed answers, and the real answers of the main routes (errors
// included) fit the schemas the document declares for them, so the schemas cannot drift from the handlers. Also
// the dashboard's page and a job's server-sent events, served by the same app behind the same guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { request } from 'node:http';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, type ApiResult, type RunningServer } from '../support/server.js';

type Document = { openapi: string; paths: Record<string, Record<string, any>>; components: Record<string, any> };

/** Checks answers against the response schemas of an OpenAPI document, its `$ref`s resolved in the document. */
function responseChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addSchema(document as object, 'openapi');
  return (method: string, path: string, result: ApiResult): string[] => {
    const responses = document.paths[path]?.[method.toLowerCase()]?.responses;
    if (!responses) return [`${method} ${path}: not in the document`];
    const status = String(result.status);
    const key = status in responses ? status : `${status[0]}XX` in responses ? `${status[0]}XX` : undefined;
    if (key === undefined) return [`${method} ${path}: status ${status} is not declared`];
    const content = responses[key].content;
    if (content === undefined) return result.body === undefined ? [] : [`${method} ${path} ${status}: a body where none is declared`];
    const pointer = ['#', 'paths', path, method.toLowerCase(), 'responses', key, 'content', 'application/json', 'schema']
      .map((part, index) => (index === 0 ? part : part.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
    const validate = ajv.getSchema(`openapi${pointer}`)!;
    return validate(result.body) ? [] : (validate.errors ?? []).map((error) => `${method} ${path} ${status}: ${error.instancePath} ${error.message}`);
  };
}

/** A server-sent event stream, read to its end: the events as { event, data }. */
async function readEvents(url: string): Promise<{ status: number; type: string | null; events: Array<{ event: string; data: any }> }> {
  const response = await fetch(url);
  const text = await response.text();
  const events = text.split('\n\n').filter((block) => block.includes('data: ')).map((block) => {
    const lines = block.split('\n');
    return { event: lines.find((line) => line.startsWith('event: '))!.slice(7), data: JSON.parse(lines.find((line) => line.startsWith('data: '))!.slice(6)) };
  });
  return { status: response.status, type: response.headers.get('content-type'), events };
}

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; type: string | undefined; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type'], text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the API contract', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  let document: Document;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(base, method, path, body, headers);
  beforeAll(async () => {
    ws = workspace();
    server = await startServe(ws.env, ['--allow-custom-connectors']);
    base = `${server.url}/api/v1`;
    document = (await call('GET', '/openapi.json')).body;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document as object);
    expect(result.errors).toBeUndefined();
    expect([result.valid, document.openapi]).toEqual([true, '3.1.0']);
  });

  it('declares for every operation a typed success answer and the error body, and a schema for every input', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.length).toBeGreaterThan(35);
    for (const { path, method, operation } of operations) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(operation.responses);
      const success = statuses.find((status) => /^2\d\d$/.test(status));
      expect([where, statuses]).toEqual([where, expect.arrayContaining(['4XX', '5XX'])]);
      expect([where, operation.responses['4XX'].content['application/json'].schema.required]).toEqual([where, ['error']]);
      expect([where, success]).toEqual([where, expect.any(String)]);
      if (success !== '204') {
        const media = Object.values<any>(operation.responses[success!].content)[0];
        expect([where, typeof media.schema.type === 'string' || media.schema.anyOf?.length > 0]).toEqual([where, true]);
      }
      for (const parameter of operation.parameters ?? []) expect([where, parameter.name, typeof parameter.schema.type]).toEqual([where, parameter.name, 'string']);
      if (method === 'post' || method === 'patch') expect([where, Object.keys(operation.requestBody.content)]).toEqual([where, expect.arrayContaining(['application/json'])]);
    }
    expect(document.paths['/api/v1/connections/{name}'].get.responses['200'].content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'source', 'destination', 'streams', 'status']));
    expect(Object.keys(document.paths['/api/v1/apply'].post.requestBody.content)).toEqual(['application/json', 'application/yaml', 'application/x-yaml']);
  });

  it('answers the main routes with bodies that fit their declared schemas, and a checker that refuses a body that does not', async () => {
    const check = responseChecker(document);
    const answers: Array<[string, string, ApiResult]> = [];
    const record = async (method: string, path: string, concrete: string, body?: unknown, headers?: Record<string, string>) => {
      const result = await call(method, concrete, body, headers);
      answers.push([method, `/api/v1${path}`, result]);
      return result;
    };
    const out = join(ws.dir, 'out');
    await record('GET', '/health', '/health');
    await record('POST', '/sources', '/sources', { name: 'big', connector: fixture('big-cursor-source.mjs'), config: { count: 3 } });
    const refused = await record('POST', '/sources', '/sources', { name: 'leaky', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'hunter2' } });
    expect(refused).toEqual({ status: 422, body: { error: { code: 'connector.check_failed', message: 'wrong password **********', hint: 'fix the config, or save it unchecked: ?check=false in the API, --no-check on the CLI' } } });
    await record('POST', '/sources', '/sources?check=false', { name: 'leaky', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'hunter2' } });
    await record('POST', '/destinations', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: out } });
    await record('GET', '/sources', '/sources?limit=1');
    await record('GET', '/sources/{name}', '/sources/big');
    await record('PATCH', '/sources/{name}', '/sources/leaky?check=false', { config: { user: 'bob', password: '**********' } });
    await record('GET', '/connectors', '/connectors');
    await record('GET', '/connectors/spec', '/connectors/spec?connector=source-faker');
    await record('GET', '/connectors/spec', '/connectors/spec?connector=source-nope');
    await record('POST', '/sources/{name}/discover', '/sources/big/discover');
    await record('POST', '/sources/{name}/check', '/sources/leaky/check');
    await record('GET', '/destinations', '/destinations');
    await record('POST', '/connections', '/connections', { name: 'big-to-files', source: 'big', destination: 'files' });
    // A connection with one step of each kind and a nested condition: its response shows them, the salt and key masked.
    const mapped = await record('POST', '/connections', '/connections', {
      name: 'big-mapped', source: 'big', destination: 'files', mappers: { events: { on_error: 'skip', steps: [
        { type: 'hash', field: 'seq', algorithm: 'sha512', salt: 'pepper', target: 'new' },
        { type: 'encrypt', field: 'seq_hashed', key: 'ab'.repeat(32) },
        { type: 'filter', drop: { or: [{ field: 'seq', lt: 5 }, { not: { and: [{ field: 'seq', in: [7, 'x', null] }, { field: 'seq', is_null: false }] } }] } },
        { type: 'expression', field: 'doubled', expression: 'seq * 2' },
        { type: 'rename', field: 'doubled', to: 'twice' },
        { type: 'select', fields: ['seq', 'seq_hashed', 'twice'] },
      ] } },
    });
    expect(mapped.body.mappers.events.steps.slice(0, 2)).toEqual([
      { type: 'hash', field: 'seq', algorithm: 'sha512', salt: '**********', target: 'new' }, { type: 'encrypt', field: 'seq_hashed', key: '**********' },
    ]);
    await record('DELETE', '/connections/{name}', '/connections/big-mapped');
    // Checked before it gets a schedule: the scheduler would start a job while both connectors run.
    await record('POST', '/connections/{name}/check', '/connections/big-to-files/check');
    const fresh = await record('GET', '/connections', '/connections');
    expect(fresh.body.data[0]).toMatchObject({ name: 'big-to-files', schedule: null, nextRunAt: null, lastJob: null });
    await record('GET', '/connections/{name}', '/connections/big-to-files');
    // A schedule not due now: an interval is due at once on a connection that never ran, and the scheduler would
    // start the job before the sync below does.
    await record('PATCH', '/connections/{name}', '/connections/big-to-files', { schedule: '0 0 1 1 *' });
    await record('POST', '/connections/{name}/disable', '/connections/big-to-files/disable');
    await record('POST', '/connections/{name}/enable', '/connections/big-to-files/enable');
    const started = await record('POST', '/connections/{name}/sync', '/connections/big-to-files/sync');
    const id = started.body.job.id as number;
    await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status !== 'running', 30_000, 'the job to end');
    const job = await record('GET', '/jobs/{id}', `/jobs/${id}`);
    expect(job.body).toMatchObject({ status: 'succeeded', attempts: 1, attemptHistory: [{ number: 1, status: 'succeeded' }] });
    // A connection shows its newest job, and when its schedule (a cron of New Year's midnight, server time) next runs it.
    const connection = await record('GET', '/connections/{name}', '/connections/big-to-files');
    expect(connection.body.lastJob).toMatchObject({ id, status: 'succeeded', connection: 'big-to-files' });
    expect(connection.body.nextRunAt).toBe(new Date(new Date().getFullYear() + 1, 0, 1).toISOString());
    await record('GET', '/jobs', '/jobs');
    await record('GET', '/connections/{name}/jobs', '/connections/big-to-files/jobs');
    await record('GET', '/jobs/{id}/logs', `/jobs/${id}/logs`);
    await record('GET', '/connections/{name}/state', '/connections/big-to-files/state');
    await record('POST', '/tokens', '/tokens', { name: 'ci' });
    await record('GET', '/tokens', '/tokens');
    await record('POST', '/webhooks', '/webhooks', { name: 'hook', url: 'http://127.0.0.1:1/hook' });
    await record('GET', '/webhooks', '/webhooks');
    await record('POST', '/webhooks/{name}/test', '/webhooks/hook/test');
    await record('POST', '/apply', '/apply', 'destinations:\n  - name: void\n    connector: destination-dev-null\n    config: {}\n', { 'content-type': 'application/yaml' });
    await record('GET', '/export', '/export');
    await record('GET', '/sources/{name}', '/sources/nowhere');
    await record('POST', '/sources', '/sources', { name: 'x', colour: 'red' });
    await record('POST', '/jobs/{id}/cancel', `/jobs/${id}/cancel`);
    await record('POST', '/connections/{name}/state/reset', '/connections/big-to-files/state/reset', {});
    await record('DELETE', '/webhooks/{name}', '/webhooks/hook');
    await record('DELETE', '/tokens/{name}', '/tokens/ci');
    await record('DELETE', '/connections/{name}', '/connections/big-to-files');
    await record('DELETE', '/sources/{name}', '/sources/leaky');
    expect(answers.map(([method, path, result]) => [method, path, result.status >= 500])).not.toContainEqual(expect.arrayContaining([true]));
    expect(answers.flatMap(([method, path, result]) => check(method, path, result))).toEqual([]);
    expect(new Set(answers.map(([method, path]) => `${method} ${path}`)).size).toBeGreaterThan(25);
    // The checker is not vacuous: an answer missing a required field, or with one the schema does not know, fails.
    const { name: _name, ...nameless } = answers.find(([method, path]) => method === 'GET' && path === '/api/v1/connections/{name}')![2].body;
    expect(check('GET', '/api/v1/connections/{name}', { status: 200, body: nameless })).toEqual(['GET /api/v1/connections/{name} 200:  must have required property \'name\'']);
    expect(check('GET', '/api/v1/health', { status: 200, body: { status: 'ok', running: [], queued: 0, concurrency: 2, colour: 'red' } })).toHaveLength(1);
  });

  it("serves a connection's state with every digit of numbers beyond 2^53", async () => {
    await call('POST', '/sources', { name: 'exact', connector: fixture('big-cursor-source.mjs'), config: { count: 2 } });
    await call('POST', '/connections', { name: 'exact-to-void', source: 'exact', destination: 'void' });
    const id = (await call('POST', '/connections/exact-to-void/sync')).body.job.id;
    await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status !== 'running', 30_000, 'the job to end');
    const text = await (await fetch(`${base}/connections/exact-to-void/state`)).text();
    expect(text).toContain('1234567890123456202');
    expect(text).toContain('0.1000000000000000055511151231257827');
  });

  it("streams a running job's progress as server-sent events, ending with the job when it ends", async () => {
    await call('POST', '/sources', { name: 'slow', connector: fixture('counter-source.mjs'), config: { count: 40, records_per_state: 5, delay_ms_every: [5, 250] } });
    await call('POST', '/connections', { name: 'slow-to-void', source: 'slow', destination: 'void' });
    const id = (await call('POST', '/connections/slow-to-void/sync')).body.job.id;
    // A client that goes away mid-stream leaves the job and the server as they were.
    const leaving = new AbortController();
    const early = await fetch(`${base}/jobs/${id}/events`, { signal: leaving.signal });
    expect((await early.body!.getReader().read()).done).toBe(false);
    leaving.abort();
    const stream = await readEvents(`${base}/jobs/${id}/events`);
    expect([stream.status, stream.type]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const progress = stream.events.filter((event) => event.event === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every((event) => event.data.job === id && event.data.status === 'running')).toBe(true);
    const emitted = progress.map((event) => event.data.recordsEmitted);
    expect(emitted).toEqual([...emitted].sort((a, b) => a - b));
    expect(emitted.at(-1)).toBeGreaterThan(0);
    expect(progress.at(-1)!.data.streams.map((stats: any) => stats.name)).toEqual(['items']);
    expect(progress.at(-1)!.data.recordsPerSecond).toBeGreaterThan(0);
    expect(stream.events[0]).toEqual({ event: 'status', data: expect.objectContaining({ id, status: 'running' }) });
    expect(stream.events.slice(-2)).toEqual([
      { event: 'status', data: expect.objectContaining({ id, status: 'succeeded', recordsCommitted: 40 }) },
      { event: 'end', data: expect.objectContaining({ id, status: 'succeeded', recordsCommitted: 40 }) },
    ]);
    expect(stream.events.filter((event) => event.event === 'end')).toHaveLength(1);
    // Each line of the job's log once, in order, as stored (the same lines GET /jobs/{id}/logs serves).
    const logged = stream.events.filter((event) => event.event === 'log').map((event) => event.data);
    const stored = (await call('GET', `/jobs/${id}/logs`)).body.lines;
    expect(logged).toEqual(stored);
    expect(logged.map((line: any) => line.msg)).toEqual(expect.arrayContaining([`job ${id} started for connection slow-to-void`, `job ${id} succeeded`]));
    // A job that has ended gets its log, status and end at once.
    const again = await readEvents(`${base}/jobs/${id}/events`);
    expect(again.events.map((event) => event.event)).toEqual([...stored.map(() => 'log'), 'status', 'end']);
    expect(again.events.at(-1)).toEqual({ event: 'end', data: expect.objectContaining({ id, status: 'succeeded' }) });
    expect(await call('GET', '/jobs/999/events')).toEqual({ status: 404, body: { error: { code: 'job.not_found', message: 'no job 999', hint: 'see: sluice jobs' } } });
  });

  it("streams a job's log lines with the connector's secrets masked, as they are stored", async () => {
    await call('POST', '/sources?check=false', { name: 'careless', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'sse-secret-4711' } });
    await call('POST', '/connections', { name: 'careless-to-void', source: 'careless', destination: 'void' });
    const id = (await call('POST', '/connections/careless-to-void/sync')).body.job.id;
    const stream = await readEvents(`${base}/jobs/${id}/events`);
    const logged = stream.events.filter((event) => event.event === 'log');
    expect(logged.length).toBeGreaterThan(2);
    expect(JSON.stringify(stream.events)).not.toContain('sse-secret-4711');
    expect(logged.some((event) => JSON.stringify(event.data).includes('**********'))).toBe(true);
  });

  it('serves the dashboard page at / behind the same request guard', async () => {
    const port = new URL(server.url).port;
    const page = await rawGet(`${server.url}/`, { host: `localhost:${port}` });
    expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.text).toContain('<title>Sluice</title>');
    const rebound = await rawGet(`${server.url}/`, { host: `evil.example:${port}` });
    expect([rebound.status, JSON.parse(rebound.text).error.code]).toEqual([403, 'api.forbidden']);
  });

  it('answers a browser reloading a dashboard page with the dashboard, and anything else as before', async () => {
    const port = new URL(server.url).port;
    const html = { host: `localhost:${port}`, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const index = await rawGet(`${server.url}/`, html);
    const deep = await rawGet(`${server.url}/connections/faker-to-files`, html);
    expect([deep.status, deep.type, deep.text]).toEqual([200, 'text/html; charset=utf-8', index.text]);
    const rebound = await rawGet(`${server.url}/connections/x`, { ...html, host: `evil.example:${port}` });
    expect([rebound.status, JSON.parse(rebound.text).error.code]).toEqual([403, 'api.forbidden']);
    const api = await rawGet(`${server.url}/api/v1/nowhere`, html);
    expect([api.status, JSON.parse(api.text).error.code]).toEqual([404, 'api.not_found']);
    const asset = await rawGet(`${server.url}/assets/missing.js`, { host: `localhost:${port}`, accept: '*/*' });
    expect([asset.status, JSON.parse(asset.text).error.code]).toEqual([404, 'api.not_found']);
  });
});

describe('the dashboard with --require-token', () => {
  it('serves the page shell (no data) so that the sign-in form can show, and refuses the API without a session', async () => {
    const ws = workspace();
    const server = await startServe(ws.env, ['--require-token']);
    try {
      const page = await fetch(`${server.url}/`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      const health = await fetch(`${server.url}/api/v1/health`);
      expect([health.status, (await health.json()).error.code]).toEqual([401, 'api.unauthorized']);
      // A page's address (a bookmark) gets the same shell, which shows the sign-in form; a non-page request gets 401.
      const deep = await fetch(`${server.url}/connections/x`, { headers: { accept: 'text/html' } });
      expect([deep.status, await deep.text()]).toEqual([200, await (await fetch(`${server.url}/`)).text()]);
      const other = await fetch(`${server.url}/connections/x`, { headers: { accept: 'application/json' } });
      expect([other.status, (await other.json()).error.code]).toEqual([401, 'api.unauthorized']);
    } finally {
      await server.stop();
    }
  });
});
