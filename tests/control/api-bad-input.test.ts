// Every route of `sluice serve` answers bad input with a 4xx in the one error shape, never a 500 and never a
// 201: malformed URI escapes, bodies of the wrong type, unknown fields, a catalog or an applied document that is
// not one, and connectors that cannot be found, started or that fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type ApiResult, type RunningServer } from '../support/server.js';

function expectClientError(result: ApiResult, what: string): void {
  expect({ what, status: result.status >= 400 && result.status < 500, shape: Object.keys(result.body ?? {}) }).toEqual({ what, status: true, shape: ['error'] });
  expect(result.body.error).toEqual({ code: expect.any(String), message: expect.any(String), ...(result.body.error.hint ? { hint: expect.any(String) } : {}) });
}

describe('bad input to the REST API', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => api(base, method, path, body, headers);
  beforeAll(async () => {
    ws = workspace();
    server = await startServe(ws.env, ['--allow-custom-connectors']);
    base = `${server.url}/api/v1`;
    expect((await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 1 } })).status).toBe(201);
    expect((await call('POST', '/destinations', { name: 'void', connector: 'destination-dev-null', config: {} })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('walks every route with a malformed escape in each path parameter and wrong bodies, and never gets a 500', async () => {
    const document = (await call('GET', '/openapi.json')).body;
    const bodies: unknown[] = [5, [], 'text', null, true, { unknownField: 1 }, { name: 5 }, { name: 'x', connector: [], config: 'no', streams: 'x', events: 5, url: 7 }];
    let walked = 0;
    for (const [path, operations] of Object.entries<Record<string, unknown>>(document.paths)) {
      for (const method of Object.keys(operations).map((name) => name.toUpperCase())) {
        const route = path.replace('/api/v1', '');
        if (route.includes('{')) {
          expectClientError(await call(method, route.replace(/\{\w+\}/g, '%E0%A4%A')), `${method} ${route} with a malformed escape`);
          walked++;
        }
        if (method === 'POST' || method === 'PATCH') {
          const concrete = route.replace('{name}', 'faker').replace('{id}', '1');
          // An empty YAML document (`null`) is a valid apply that changes nothing.
          for (const body of route === '/apply' ? bodies.filter((body) => body !== null) : bodies) {
            expectClientError(await call(method, concrete, JSON.stringify(body), { 'content-type': 'application/json' }), `${method} ${concrete} ${JSON.stringify(body)}`);
            walked++;
          }
        }
      }
    }
    expect(walked).toBeGreaterThan(140);
    expect((await call('GET', '/sources')).body.data.map((source: any) => source.name)).toEqual(['faker']);
  });

  it('names the path parameter with a malformed escape', async () => {
    expect(await call('GET', '/sources/%E0%A4%A')).toEqual({ status: 400, body: { error: { code: 'api.bad_request', message: 'the path parameter name is not a valid URI escape: %E0%A4%A' } } });
  });

  it('answers a request target that is not a path with a 400', async () => {
    const port = Number(new URL(server.url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET //[x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'api.bad_request', message: 'the request target //[x is not a valid path' } });
  });

  it('refuses unknown fields and wrong types, naming the field', async () => {
    expect(await call('POST', '/sources', { name: 'a', connector: 'source-faker', config: {}, colour: 'red' })).toEqual({
      status: 400, body: { error: { code: 'api.bad_request', message: 'the request body has an unknown field "colour"' } },
    });
    expect((await call('POST', '/sources', { name: 'a', connector: 'source-faker', config: 'x' })).body.error.message).toBe('"config" must be an object, not string');
    expect((await call('POST', '/tokens', { name: 5 })).body.error.message).toBe('"name" must be a string, not number');
    expect((await call('POST', '/connections/faker/sync', { now: true })).body.error.message).toBe('the request body has an unknown field "now"');
    expect((await call('POST', '/webhooks', { name: 'w', url: 'http://127.0.0.1:1/', events: ['job.exploded'] })).body.error.message).toMatch(/^"events\[0\]" must be one of job\./);
    expect((await call('PATCH', '/connections/x', { overrides: { users: { syncMode: 'sometimes' } } })).body.error.message).toBe('"overrides.users.syncMode" must be one of full_refresh, incremental');
  });

  it('refuses a catalog that is not a configured catalog', async () => {
    const definition = { name: 'c', source: 'faker', destination: 'void' };
    expect(await call('POST', '/connections', { ...definition, catalog: { streams: 5 } })).toEqual({
      status: 400, body: { error: { code: 'api.bad_request', message: '"catalog.streams" must be an array, not number' } },
    });
    const inner = await call('POST', '/connections', { ...definition, catalog: { streams: [{ stream: { name: 'users' } }] } });
    expect(inner.status).toBe(400);
    expect(inner.body.error.code).toBe('catalog.invalid');
    expect(inner.body.error.message).toMatch(/^catalog: \/streams\/0/);
  });

  it('refuses an applied document that is not a sluice.yaml document', async () => {
    expect(await call('POST', '/apply', { sources: 5 })).toEqual({ status: 400, body: { error: { code: 'apply.invalid', message: 'request body:1: sources: must be array' } } });
    expect((await call('POST', '/apply', { sources: [{ name: 'x' }] })).body.error).toEqual({ code: 'apply.invalid', message: 'request body:1: sources[0]: "connector" is required' });
    expect((await call('POST', '/apply', { connections: [{ name: 'c', source: 'faker', destination: 'void', colour: 1 }] })).body.error.message).toBe('request body:1: connections[0]: unknown key colour');
  });

  it('answers connectors that cannot be found or started with 422, and connectors that fail with 502', async () => {
    const missing = await call('POST', '/sources', { name: 'gone', connector: '/nonexistent/connector', config: {} });
    expect(missing).toEqual({ status: 422, body: { error: { code: 'connector.not_found', message: 'connector /nonexistent/connector: /nonexistent/connector does not exist' } } });
    const image = await call('POST', '/sources', { name: 'img', connector: 'docker:sluice-test/does-not-exist:0', config: {} });
    expect([image.status, image.body.error.code]).toEqual([422, 'connector.image_not_found']);
    const checked = await call('POST', '/sources', { name: 'broken', connector: fixture('exits-nonzero.mjs'), config: {} });
    expect([checked.status, checked.body.error.code]).toEqual([502, 'connector.failed']);
    expect((await call('POST', '/sources?check=false', { name: 'broken', connector: fixture('exits-nonzero.mjs'), config: {} })).status).toBe(201);
    const check = await call('POST', '/sources/broken/check');
    expect(check).toEqual({ status: 502, body: { error: { code: 'connector.failed', message: expect.stringContaining('upstream exploded') } } });
    const discover = await call('POST', '/connections', { name: 'broken-to-void', source: 'broken', destination: 'void' });
    expect([discover.status, discover.body.error.code]).toEqual([502, 'connector.failed']);
    expect((await call('POST', '/sources?check=false', { name: 'misconfigured', connector: fixture('config-error.mjs'), config: { api_key: 'k' } })).status).toBe(201);
    const refused = await call('POST', '/sources/misconfigured/check');
    expect([refused.status, refused.body.error.code]).toEqual([422, 'connector.failed']);
    expect((await call('GET', '/sources')).body.data.map((source: any) => source.name)).toEqual(['broken', 'faker', 'misconfigured']);
  });
});
