// `sluice serve` refuses what a page in a browser, a DNS-rebinding host or a careless client could make it do:
// cross-site and non-JSON writes, foreign Host and Origin headers, connectors that are commands, listening
// beyond loopback without tokens; and it answers bad input with a 4xx in the one error shape, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type RunningServer } from '../support/server.js';

/** A raw HTTP request, so that Host and other headers fetch() controls can be set. */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: any }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('requests a browser page could send', () => {
  let ws: Workspace;
  let server: RunningServer;
  let host: string;
  beforeAll(async () => {
    ws = workspace();
    server = await startServe(ws.env);
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a text/plain apply that defines a command as a connector, and runs nothing', async () => {
    const marker = join(ws.dir, 'pwned');
    const document = JSON.stringify({ sources: [{ name: 'evil', connector: `touch ${marker}`, config: {} }] });
    const answer = await raw(server.url, 'POST', '/api/v1/apply', { host, 'content-type': 'text/plain' }, document);
    expect(answer).toEqual({ status: 415, body: { error: { code: 'api.unsupported_media_type', message: 'POST /api/v1/apply accepts application/json or application/yaml or application/x-yaml, not text/plain' } } });
    expect(existsSync(marker)).toBe(false);
    expect((await api(`${server.url}/api/v1`, 'GET', '/sources')).body.data).toEqual([]);
  });

  it('refuses form and multipart bodies on every route that changes state', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain;charset=UTF-8']) {
      for (const [method, path] of [['POST', '/api/v1/sources'], ['POST', '/api/v1/destinations'], ['POST', '/api/v1/connections'], ['PATCH', '/api/v1/sources/x'],
        ['POST', '/api/v1/tokens'], ['POST', '/api/v1/webhooks'], ['POST', '/api/v1/connections/x/sync'], ['POST', '/api/v1/jobs/1/cancel'],
        ['POST', '/api/v1/connections/x/state/reset'], ['DELETE', '/api/v1/tokens/x'], ['POST', '/api/v1/apply']]) {
        const answer = await raw(server.url, method!, path!, { host, 'content-type': type }, '{"name":"t"}');
        expect([method, path, answer.status, answer.body.error.code]).toEqual([method, path, 415, 'api.unsupported_media_type']);
      }
    }
  });

  it('refuses a command or a path as a connector over the API unless the server allows custom connectors, as JSON and in apply', async () => {
    const base = `${server.url}/api/v1`;
    const marker = join(ws.dir, 'pwned');
    expect(await api(base, 'POST', '/sources', { name: 'evil', connector: `touch ${marker}`, config: {} })).toEqual({
      status: 403,
      body: { error: { code: 'api.forbidden', message: `connector: connector touch ${marker} is a path or a command, which this server does not run for API clients`, hint: 'name a built-in connector or a docker: image, or start the server with --allow-custom-connectors' } },
    });
    expect((await api(base, 'POST', '/destinations', { name: 'evil', connector: fixture('echo-destination.mjs') })).status).toBe(403);
    const applied = await api(base, 'POST', '/apply', `sources:\n  - name: evil\n    connector: touch ${marker}\n`, { 'content-type': 'application/yaml' });
    expect(applied.status).toBe(403);
    expect(applied.body.error.message).toContain('request body: sources[0].connector: connector touch');
    expect((await api(base, 'POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 1 } })).status).toBe(201);
    expect((await api(base, 'PATCH', '/sources/faker', { connector: `touch ${marker}` })).status).toBe(403);
    expect(existsSync(marker)).toBe(false);
    expect((await ws.run(['source', 'create', 'local', '--connector', fixture('counter-source.mjs'), '--config-json', '{"count":1}'])).exitCode).toBe(0);
  });

  it("does not fill in the server's environment variables in a document applied over the API", async () => {
    const base = `${server.url}/api/v1`;
    // A YAML escape hides the ${…} from anything that looks at the raw text.
    const yaml = 'destinations:\n  - name: env\n    connector: destination-local-json\n    config: { destination_path: "\\x24{SLUICE_HOME}/out" }\n';
    expect(await api(base, 'POST', '/apply', yaml, { 'content-type': 'application/yaml' })).toEqual({
      status: 403,
      body: { error: { code: 'api.forbidden', message: "request body uses ${SLUICE_HOME}: the server's environment variables are not filled in for API clients", hint: 'put the value itself in the document, or run sluice apply on the server' } },
    });
    expect(JSON.stringify((await api(base, 'GET', '/export')).body)).not.toContain(ws.env['SLUICE_HOME']);
  });

    it('refuses a foreign Origin and a Host that is not this server (DNS rebinding), on reads and writes alike', async () => {
    const port = new URL(server.url).port;
    const rebound = await raw(server.url, 'GET', '/api/v1/sources', { host: `evil.example:${port}` });
    expect(rebound).toEqual({ status: 403, body: { error: { code: 'api.forbidden', message: `Host evil.example:${port} is not a name this server answers to`, hint: 'use localhost, the address it listens on, or start it with --allowed-host NAME' } } });
    const foreign = await raw(server.url, 'POST', '/api/v1/tokens', { host, origin: 'http://evil.example', 'content-type': 'application/json' }, '{"name":"x"}');
    expect(foreign).toEqual({ status: 403, body: { error: { code: 'api.forbidden', message: 'requests from origin http://evil.example are not accepted', hint: 'the API answers pages of its own origin only' } } });
    expect((await raw(server.url, 'POST', '/api/v1/connections/x/sync', { host, origin: 'null' })).status).toBe(403);
    expect((await raw(server.url, 'POST', '/api/v1/tokens', { host, origin: `http://localhost:${Number(port) + 1}`, 'content-type': 'application/json' }, '{"name":"x"}')).status).toBe(403);
    for (const name of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await raw(server.url, 'GET', '/api/v1/health', { host: name })).status).toBe(200);
    }
    const same = await raw(server.url, 'POST', '/api/v1/tokens', { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'content-type': 'application/json' }, '{"name":"dashboard"}');
    expect(same.status).toBe(201);
  });

  it('accepts a Host name given with --allowed-host', async () => {
    const other = workspace();
    const allowed = await startServe(other.env, ['--allowed-host', 'sluice.internal']);
    try {
      const port = new URL(allowed.url).port;
      expect((await raw(allowed.url, 'GET', '/api/v1/health', { host: `sluice.internal:${port}` })).status).toBe(200);
      expect((await raw(allowed.url, 'GET', '/api/v1/health', { host: `sluice.other:${port}` })).status).toBe(403);
    } finally {
      await allowed.stop();
    }
  });

  it('lets API clients name a command as a connector when the operator allows custom connectors', async () => {
    const other = workspace();
    const allowed = await startServe(other.env, ['--allow-custom-connectors']);
    try {
      const created = await api(`${allowed.url}/api/v1`, 'POST', '/sources', { name: 'numbers', connector: fixture('counter-source.mjs'), config: { count: 1 } });
      expect(created.status).toBe(201);
    } finally {
      await allowed.stop();
    }
  });
});

describe('listening beyond loopback', () => {
  it('is refused without --require-token, with one error line and exit 2', async () => {
    const ws = workspace();
    const result = await ws.run(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'sluice: cli.usage: --host 0.0.0.0 is not a loopback address: add --require-token so that every client needs an API token (create one with: sluice token create NAME)',
    ]);
  });

  it('is allowed with --require-token', async () => {
    const ws = workspace();
    const server = await startServe(ws.env, ['--host', '0.0.0.0', '--require-token']);
    try {
      const port = new URL(server.url).port;
      expect((await api(`http://127.0.0.1:${port}/api/v1`, 'GET', '/health')).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
