// `sluice serve` as a real process: the REST API over real HTTP (CRUD, jobs, state, errors, pagination,
// OpenAPI, tokens), against SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fixture } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { api, eventually, startServe, type RunningServer } from '../support/server.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();

/** `queued`: the workspace queues runs for workers (PostgreSQL), so a trigger answers with the queue, not the job. */
function apiContract(label: string, env: () => Record<string, string>, queued: boolean): void {
  describe(`the REST API on ${label}`, () => {
    let ws: Workspace;
    let server: RunningServer;
    let base: string;
    beforeAll(async () => {
      ws = workspace(env());
      // The contract uses fixture connectors (paths), which API clients may name only when the operator allows it.
      server = await startServe(ws.env, ['--allow-custom-connectors']);
      base = `${server.url}/api/v1`;
    });
    afterAll(async () => {
      await server?.stop();
    });
    const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);

    it('creates, lists with pagination, shows, updates and deletes sources and destinations, secrets masked', async () => {
      const created = await call('POST', '/sources?check=false', { name: 'leaky', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'hunter2-topsecret' } });
      expect(created.status).toBe(201);
      expect(created.body.config).toEqual({ user: 'ann', password: '**********' });
      expect((await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 30, records_per_state: 10 } })).status).toBe(201);
      const first = await call('GET', '/sources?limit=1');
      expect(first.body.data.map((source: any) => source.name)).toEqual(['faker']);
      expect(first.body.pagination).toEqual({ limit: 1, offset: 0, next: 1 });
      const second = await call('GET', '/sources?limit=1&offset=1');
      expect(second.body.data.map((source: any) => source.name)).toEqual(['leaky']);
      expect(second.body.pagination.next).toBeNull();
      const patched = await call('PATCH', '/sources/leaky?check=false', { config: { user: 'bob', password: '**********' } });
      expect(patched.body.config).toEqual({ user: 'bob', password: '**********' });
      const check = await call('POST', '/sources/leaky/check');
      expect(check.body).toEqual({ status: 'FAILED', message: 'wrong password **********' });
      const all = JSON.stringify([created.body, first.body, second.body, patched.body, check.body, (await call('GET', '/export')).body]);
      expect(all).not.toContain('hunter2');
      expect((await call('DELETE', '/sources/leaky')).status).toBe(204);
      expect((await call('GET', '/sources/leaky')).body).toEqual({ error: { code: 'source.not_found', message: 'no source named leaky', hint: 'see: sluice source list' } });
    });

    it('answers errors with one body shape and a fitting status', async () => {
      expect(await call('GET', '/nowhere')).toEqual({ status: 404, body: { error: { code: 'api.not_found', message: 'no route GET /api/v1/nowhere', hint: 'see /api/v1/openapi.json' } } });
      expect(await call('POST', '/sources', { connector: 'source-faker' })).toEqual({ status: 400, body: { error: { code: 'api.bad_request', message: 'the request body needs "name" (string)' } } });
      expect((await call('POST', '/sources', '{not json')).body.error.code).toBe('api.bad_request');
      const invalid = await call('POST', '/sources', { name: 'bad', connector: 'source-faker', config: { count: 'many' } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('config.invalid');
      const duplicate = await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 1 } });
      expect(duplicate).toEqual({ status: 409, body: { error: { code: 'store.conflict', message: 'a source named faker already exists' } } });
      expect((await call('GET', '/sources?limit=0')).body.error.message).toBe('limit 0: expected an integer from 1 to 500');
    });

    it('runs a connection on request, records the job, and serves its attempts, summary, logs and state', async () => {
      const out = join(ws.dir, 'out');
      expect((await call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: out } })).status).toBe(201);
      const connection = await call('POST', '/connections', { name: 'faker-to-files', source: 'faker', destination: 'files', streams: ['users'] });
      expect(connection.status).toBe(201);
      expect(connection.body).toMatchObject({ name: 'faker-to-files', source: 'faker', destination: 'files', status: 'active', schedule: null });
      expect(connection.body.streams).toEqual([{
        name: 'users', syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']],
        fields: ['id', 'name', 'email', 'age', 'created_at', 'updated_at'],
      }]);
      const started = await call('POST', '/connections/faker-to-files/sync');
      expect(started.status).toBe(202);
      expect(Object.keys(started.body)).toEqual([queued ? 'queued' : 'job']);
      // At once, while the first is queued, starting or running (a 30-record job takes longer than this round trip).
      const again = await call('POST', '/connections/faker-to-files/sync');
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('job.already_running');
      const first = queued
        ? (await eventually(() => call('GET', '/jobs?connection=faker-to-files'), (result) => result.body.data.length === 1, 30_000, 'a worker to start the job')).body.data[0]
        : started.body.job;
      const id = first.id;
      expect(first).toMatchObject({ trigger: 'api', connection: 'faker-to-files' });
      const job = await eventually(() => call('GET', `/jobs/${id}`), (result) => result.body.status !== 'running', 30_000, 'the job to end');
      expect(job.body).toMatchObject({ status: 'succeeded', recordsCommitted: 30, attempts: 1, attemptHistory: [{ number: 1, status: 'succeeded', recordsCommitted: 30 }] });
      expect(job.body.summary).toMatchObject({ status: 'succeeded', recordsCommitted: 30, stateFile: 'connection faker-to-files' });
      expect(rows(out, 'users')).toHaveLength(30);
      const logs = await call('GET', `/jobs/${id}/logs`);
      expect(logs.body.lines.map((line: any) => line.msg)).toContain(`job ${id} succeeded`);
      const state = await call('GET', '/connections/faker-to-files/state');
      expect(state.body.state.map((message: any) => message.stream.stream_descriptor.name)).toEqual(['users']);
      expect((await call('POST', '/connections/faker-to-files/state/reset', { stream: 'users' })).body).toEqual({ reset: 'users' });
      expect((await call('GET', '/connections/faker-to-files/state')).body.state).toEqual([]);
      const jobs = await call('GET', '/jobs?connection=faker-to-files');
      expect(jobs.body.data.map((item: any) => [item.id, item.status])).toEqual([[id, 'succeeded']]);
      const disabled = await call('POST', '/connections/faker-to-files/disable');
      expect(disabled.body.status).toBe('inactive');
      expect((await call('PATCH', '/connections/faker-to-files', { schedule: 'every 1h', status: 'active' })).body).toMatchObject({ schedule: 'every 1h', status: 'active' });
    });

    it('applies a YAML document and exports the definitions, secrets masked', async () => {
      const yaml = `destinations:\n  - name: void\n    connector: destination-dev-null\n    config: {}\n`;
      const applied = await api(base, 'POST', '/apply', yaml, { 'content-type': 'application/yaml' });
      expect(applied).toEqual({ status: 200, body: { changes: [{ kind: 'destination', name: 'void', action: 'created' }] } });
      const exported = await call('GET', '/export');
      expect(exported.body.destinations.map((item: any) => item.name)).toContain('void');
      const invalid = await api(base, 'POST', '/apply', 'sources: [', { 'content-type': 'application/yaml' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('apply.invalid');
    });

    it('creates, lists with pagination and revokes API tokens, never showing a token after it is created', async () => {
      const created = await call('POST', '/tokens', { name: 'deploy' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'deploy', lastUsedAt: null });
      expect(created.body.token).toMatch(/^slc_[A-Za-z0-9_-]{43}$/);
      expect((await call('POST', '/tokens', { name: 'backup' })).status).toBe(201);
      expect(await call('POST', '/tokens', { name: 'deploy' })).toEqual({ status: 409, body: { error: { code: 'store.conflict', message: 'an API token named deploy already exists' } } });
      expect((await call('POST', '/tokens', {})).body.error.message).toBe('the request body needs "name" (string)');
      const first = await call('GET', '/tokens?limit=1');
      expect(first.body.data).toEqual([{ id: expect.any(String), name: 'backup', createdAt: expect.any(Number), lastUsedAt: null }]);
      expect(first.body.pagination).toEqual({ limit: 1, offset: 0, next: 1 });
      const second = await call('GET', '/tokens?limit=1&offset=1');
      expect(second.body.data).toEqual([{ id: created.body.id, name: 'deploy', createdAt: created.body.createdAt, lastUsedAt: null }]);
      expect(second.body.pagination.next).toBeNull();
      expect(JSON.stringify([first.body, second.body])).not.toContain('slc_');
      expect((await call('DELETE', `/tokens/${created.body.id}`)).status).toBe(204);
      expect((await call('DELETE', '/tokens/backup')).status).toBe(204);
      expect(await call('DELETE', '/tokens/backup')).toEqual({ status: 404, body: { error: { code: 'api.not_found', message: 'no API token named backup', hint: 'see: sluice token list' } } });
      expect((await call('GET', '/tokens')).body.data).toEqual([]);
    });

    it('serves an OpenAPI document that lists every route', async () => {
      const document = (await call('GET', '/openapi.json')).body;
      expect(document.openapi).toBe('3.1.0');
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
        '/api/v1/sources', '/api/v1/sources/{name}', '/api/v1/destinations/{name}/check', '/api/v1/connections/{name}/sync',
        '/api/v1/connections/{name}/state/reset', '/api/v1/jobs/{id}/cancel', '/api/v1/jobs/{id}/logs', '/api/v1/webhooks', '/api/v1/apply', '/api/v1/export',
        '/api/v1/tokens', '/api/v1/tokens/{name}',
      ]));
      expect(Object.keys(document.paths['/api/v1/tokens'])).toEqual(['get', 'post']);
      expect(document.paths['/api/v1/tokens'].get.parameters.map((parameter: any) => parameter.name)).toEqual(['limit', 'offset']);
      expect(document.paths['/api/v1/tokens'].post.requestBody.content['application/json'].schema).toEqual({ type: 'object', additionalProperties: false, properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] });
      expect(Object.keys(document.paths['/api/v1/tokens/{name}'])).toEqual(['delete']);
      expect(document.paths['/api/v1/sources'].get.parameters.map((parameter: any) => parameter.name)).toEqual(['limit', 'offset']);
    });
  });
}

apiContract('SQLite', () => ({}), false);

describe.runIf(!postgresMissing)('PostgreSQL', () => {
  const url = useFreshDatabase();
  apiContract('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') }), true);
});

describe('API tokens', () => {
  it('are required from every client with --require-token, and a token from `sluice token create` is accepted', async () => {
    const ws = workspace();
    const token = (await ws.run(['token', 'create', 'ci'])).stdout.trim();
    expect(token).toMatch(/^slc_[A-Za-z0-9_-]{43}$/);
    const server = await startServe(ws.env, ['--require-token']);
    try {
      const base = `${server.url}/api/v1`;
      expect(await api(base, 'GET', '/health')).toEqual({
        status: 401,
        body: { error: { code: 'api.unauthorized', message: 'an API token is required', hint: 'send Authorization: Bearer TOKEN; create one with: sluice token create NAME' } },
      });
      expect((await api(base, 'GET', '/health', undefined, { authorization: `Bearer ${token}x` })).status).toBe(401);
      expect((await api(base, 'GET', '/health', undefined, { authorization: `Bearer ${token}` })).body).toMatchObject({ status: 'ok' });
      expect((await ws.run(['token', 'revoke', 'ci'])).stdout).toBe('revoked token ci');
      expect((await api(base, 'GET', '/health', undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('are created, listed and revoked over the API by a client holding a token, and a revoked token is refused', async () => {
    const ws = workspace();
    const admin = (await ws.run(['token', 'create', 'admin'])).stdout.trim();
    const server = await startServe(ws.env, ['--require-token']);
    try {
      const base = `${server.url}/api/v1`;
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      expect((await api(base, 'POST', '/tokens', { name: 'ci' })).status).toBe(401);
      expect((await api(base, 'GET', '/tokens')).status).toBe(401);
      const created = await api(base, 'POST', '/tokens', { name: 'ci' }, as(admin));
      expect(created.status).toBe(201);
      const token = created.body.token as string;
      expect(token).toMatch(/^slc_[A-Za-z0-9_-]{43}$/);
      expect((await api(base, 'GET', '/health', undefined, as(token))).body).toMatchObject({ status: 'ok' });
      const listed = await api(base, 'GET', '/tokens', undefined, as(token));
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((item: any) => [item.name, item.lastUsedAt === null])).toEqual([['admin', false], ['ci', false]]);
      expect(listed.body.data.every((item: any) => Object.keys(item).sort().join() === 'createdAt,id,lastUsedAt,name')).toBe(true);
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(JSON.stringify(listed.body)).not.toContain('slc_');
      expect((await ws.run(['token', 'list', '--json'])).stdout).toContain('"ci"');
      expect((await api(base, 'DELETE', '/tokens/ci', undefined, as(admin))).status).toBe(204);
      expect(await api(base, 'GET', '/health', undefined, as(token))).toEqual({
        status: 401,
        body: { error: { code: 'api.unauthorized', message: 'the API token is not valid', hint: 'create one with: sluice token create NAME' } },
      });
      expect((await api(base, 'GET', '/tokens', undefined, as(admin))).body.data.map((item: any) => item.name)).toEqual(['admin']);
    } finally {
      await server.stop();
    }
  });
});
