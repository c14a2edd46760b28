// The routes the dashboard asks connectors and webhooks through, against a real `sluice serve` and real built-in
// connectors: the built-in list, a connector's spec (under the connector policy), a source's discover, saving a
// source or destination only once its check passes (API and CLI alike, each with a way to skip it), checking both
// ends of a connection, and a webhook's test ping. No answer ever carries a secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { fixture } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type RunningServer } from '../support/server.js';

const DEAD_POSTGRES = { host: '127.0.0.1', port: 1, database: 'shop', username: 'ann', password: 'hunter2-pg-secret' };
const REFUSED = 'cannot connect to PostgreSQL at 127.0.0.1:1 (database shop, user ann): connect ECONNREFUSED 127.0.0.1:1: check host and port, and that the server accepts TCP connections';
const HINT = 'fix the config, or save it unchecked: ?check=false in the API, --no-check on the CLI';

/** A loopback port nothing listens on (fetch refuses well-known bad ports such as 1 before trying). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('connectors over the API, on a server that runs no custom connectors', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);
  beforeAll(async () => {
    ws = workspace();
    server = await startServe(ws.env);
    base = `${server.url}/api/v1`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists the built-in connectors with their kind and a one-line description', async () => {
    const { status, body } = await call('GET', '/connectors');
    expect(status).toBe(200);
    expect(body.data.map((connector: any) => `${connector.kind} ${connector.name}`)).toEqual([
      'source source-faker', 'source source-file', 'source source-postgres', 'source source-sqlite-py', 'source source-mysql',
      'destination destination-local-json', 'destination destination-csv', 'destination destination-sqlite', 'destination destination-postgres', 'destination destination-dev-null',
    ]);
    expect(body.data[0]).toEqual({ name: 'source-faker', kind: 'source', description: 'Deterministic fake users, products and purchases; incremental by updated_at.' });
    expect(body.data.filter((connector: any) => !/^\S.{10,}\.$/.test(connector.description))).toEqual([]);
  });

  it("serves a built-in connector's spec, and refuses unknown names, paths and commands", async () => {
    const faker = await call('GET', '/connectors/spec?connector=source-faker');
    expect(faker.status).toBe(200);
    expect(faker.body.connectionSpecification).toMatchObject({ type: 'object', properties: { count: { type: 'integer' } } });
    const json = await call('GET', '/connectors/spec?connector=destination-local-json');
    expect(json.body.supported_destination_sync_modes).toEqual(expect.arrayContaining(['overwrite', 'append', 'append_dedup']));
    expect(await call('GET', '/connectors/spec?connector=source-nope')).toEqual({
      status: 422, body: { error: { code: 'connector.not_found', message: 'connector source-nope is not a built-in connector', hint: 'see GET /api/v1/connectors' } },
    });
    const path = await call('GET', `/connectors/spec?connector=${encodeURIComponent(fixture('leaks-secret.mjs'))}`);
    expect([path.status, path.body.error.code]).toEqual([403, 'api.forbidden']);
    const command = await call('GET', `/connectors/spec?connector=${encodeURIComponent('node -e 1')}`);
    expect([command.status, command.body.error.code]).toEqual([403, 'api.forbidden']);
    expect(await call('GET', '/connectors/spec')).toEqual({ status: 400, body: { error: { code: 'api.bad_request', message: 'the query needs "connector"' } } });
  });

  it('refuses to save a source or destination whose check fails, with the connector\'s message and no secret', async () => {
    for (const kind of ['sources', 'destinations']) {
      const connector = kind === 'sources' ? 'source-postgres' : 'destination-postgres';
      const refused = await call('POST', `/${kind}`, { name: 'shop', connector, config: DEAD_POSTGRES });
      expect(refused).toEqual({ status: 422, body: { error: { code: 'connector.check_failed', message: REFUSED, hint: HINT } } });
      expect((await call('GET', `/${kind}/shop`)).status).toBe(404);
      const unchecked = await call('POST', `/${kind}?check=false`, { name: 'shop', connector, config: DEAD_POSTGRES });
      expect([unchecked.status, unchecked.body.config.password]).toEqual([201, '**********']);
      expect(JSON.stringify(refused.body)).not.toContain('hunter2');
    }
  });

  it('checks a changed config or connector when a source is updated, and not a rename', async () => {
    expect((await call('POST', '/sources', { name: 'fake', connector: 'source-faker', config: { count: 5 } })).status).toBe(201);
    const moved = await call('PATCH', '/sources/fake', { connector: 'source-postgres', config: DEAD_POSTGRES });
    expect(moved).toEqual({ status: 422, body: { error: { code: 'connector.check_failed', message: REFUSED, hint: HINT } } });
    expect((await call('GET', '/sources/fake')).body.connector).toBe('source-faker');
    expect((await call('PATCH', '/sources/fake?check=false', { connector: 'source-postgres', config: DEAD_POSTGRES })).status).toBe(200);
    const renamed = await call('PATCH', '/sources/fake', { name: 'fake-pg' });
    expect([renamed.status, renamed.body.name]).toEqual([200, 'fake-pg']);
  });

  it('discovers the streams of a stored source', async () => {
    expect((await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 3 } })).status).toBe(201);
    const { status, body } = await call('POST', '/sources/faker/discover');
    expect(status).toBe(200);
    expect(body.catalog.streams.map((stream: any) => stream.name)).toEqual(['users', 'products', 'purchases']);
    expect(body.catalog.streams[0]).toMatchObject({ supported_sync_modes: expect.arrayContaining(['incremental']), default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] });
    expect(await call('POST', '/sources/nowhere/discover')).toEqual({ status: 404, body: { error: { code: 'source.not_found', message: 'no source named nowhere', hint: 'see: sluice source list' } } });
  });

  it('refuses the same bad config from the CLI unless --no-check', async () => {
    const config = JSON.stringify({ ...DEAD_POSTGRES });
    const refused = await ws.run(['source', 'create', 'cli-pg', '--connector', 'source-postgres', '--config-json', config]);
    expect([refused.exitCode, refused.stderr]).toEqual([2, `sluice: connector.check_failed: ${REFUSED} (${HINT})`]);
    const destination = await ws.run(['destination', 'create', 'cli-pg', '--connector', 'destination-postgres', '--config-json', config]);
    expect([destination.exitCode, destination.stderr]).toEqual([2, `sluice: connector.check_failed: ${REFUSED} (${HINT})`]);
    expect((await ws.run(['source', 'create', 'cli-pg', '--connector', 'source-faker', '--config-json', '{"count":1}'])).exitCode).toBe(0);
    const update = await ws.run(['source', 'update', 'cli-pg', '--connector', 'source-postgres', '--config-json', config]);
    expect([update.exitCode, update.stderr]).toEqual([2, `sluice: connector.check_failed: ${REFUSED} (${HINT})`]);
    const unchecked = await ws.run(['source', 'update', 'cli-pg', '--connector', 'source-postgres', '--config-json', config, '--no-check']);
    expect([unchecked.exitCode, unchecked.stdout]).toEqual([0, 'updated source cli-pg']);
    for (const output of [refused.stderr, destination.stderr, update.stderr]) expect(output).not.toContain('hunter2');
  });
});

describe('checking a connection and testing a webhook', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  let receiver: Server;
  let receiverUrl: string;
  let answer = 200;
  const received: Array<{ headers: IncomingHttpHeaders; text: string }> = [];
  const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, text });
        response.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    ws = workspace();
    // The failing end is a fixture connector (a path), which only a server that allows custom connectors runs.
    server = await startServe(ws.env, ['--allow-custom-connectors']);
    base = `${server.url}/api/v1`;
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('tests a new config, or a stored one as edited, without saving either', async () => {
    const before = (await call('GET', '/sources')).body.data.length;
    expect(await call('POST', '/sources/check', { connector: 'source-postgres', config: DEAD_POSTGRES })).toEqual({ status: 200, body: { status: 'FAILED', message: REFUSED } });
    expect(await call('POST', '/sources/check', { connector: 'source-faker', config: { count: 3 } })).toEqual({ status: 200, body: { status: 'SUCCEEDED' } });
    const invalid = await call('POST', '/destinations/check', { connector: 'destination-local-json', config: {} });
    expect([invalid.status, invalid.body.error.message]).toEqual([400, expect.stringContaining('destination_path')]);
    const leaky = await call('POST', '/sources/check', { connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'hunter2-draft' } });
    expect(leaky).toEqual({ status: 200, body: { status: 'FAILED', message: 'wrong password **********' } });
    expect((await call('GET', '/sources')).body.data.length).toBe(before);

    // A stored secret: the edited config sends it masked, and the check runs with the stored value.
    const keyed = { api_key: 'good-stored-key', region: 'eu', tunnel: { method: 'NONE' } };
    expect((await call('POST', '/sources', { name: 'keyed', connector: fixture('every-field-kind.mjs'), config: keyed })).status).toBe(201);
    const stored = await call('POST', '/sources/keyed/check');
    expect(stored.body.status).toBe('SUCCEEDED');
    expect(await call('POST', '/sources/keyed/check', { config: { ...keyed, api_key: '**********', region: 'us' } })).toEqual(stored);
    expect(await call('POST', '/sources/keyed/check', { config: { ...keyed, api_key: 'bad-key' } })).toEqual({ status: 200, body: { status: 'FAILED', message: 'the API key is not accepted' } });
    expect((await call('POST', '/sources/keyed/check')).body).toEqual(stored.body);
    expect((await call('GET', '/sources/keyed')).body.config.region).toBe('eu');
    expect((await call('POST', '/sources/nowhere/check', { config: {} })).body.error.code).toBe('source.not_found');
  });

  it('checks both ends of a connection: each its own status and message, secrets masked', async () => {
    const out = join(ws.dir, 'out');
    expect((await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 3 } })).status).toBe(201);
    expect((await call('POST', '/sources?check=false', { name: 'leaky', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: 'hunter2-leaky' } })).status).toBe(201);
    expect((await call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: out } })).status).toBe(201);
    expect((await call('POST', '/connections', { name: 'faker-to-files', source: 'faker', destination: 'files' })).status).toBe(201);
    expect((await call('POST', '/connections', { name: 'leaky-to-files', source: 'leaky', destination: 'files' })).status).toBe(201);
    expect(await call('POST', '/connections/faker-to-files/check')).toEqual({ status: 200, body: { source: { status: 'SUCCEEDED' }, destination: { status: 'SUCCEEDED' } } });
    expect(await call('POST', '/connections/leaky-to-files/check')).toEqual({
      status: 200, body: { source: { status: 'FAILED', message: 'wrong password **********' }, destination: { status: 'SUCCEEDED' } },
    });
    const discovered = await call('POST', '/sources/leaky/discover');
    expect(discovered.body.catalog.streams.map((stream: any) => stream.name)).toEqual(['things']);
    expect(JSON.stringify(discovered.body)).not.toContain('hunter2');
    expect((await call('POST', '/connections/nowhere/check')).body.error.code).toBe('connection.not_found');
  });

  it("sends a webhook a signed ping now and says whether it arrived, never quoting the secret", async () => {
    const created = await call('POST', '/webhooks', { name: 'hook', url: receiverUrl });
    const secret = created.body.secret as string;
    expect(await call('POST', '/webhooks/hook/test')).toEqual({ status: 200, body: { delivered: true, status: 200 } });
    expect(received).toHaveLength(1);
    const ping = new Webhook(secret).verify(received[0]!.text, received[0]!.headers as Record<string, string>) as any;
    expect(ping).toMatchObject({ event: 'ping', webhook: { id: created.body.id, name: 'hook' } });
    expect(received[0]!.headers['x-sluice-event']).toBe('ping');
    answer = 500;
    expect(await call('POST', '/webhooks/hook/test')).toEqual({ status: 200, body: { delivered: false, status: 500, error: 'HTTP 500' } });
    expect(received).toHaveLength(2);
    const closed = await closedPort();
    await call('POST', '/webhooks', { name: 'nobody', url: `http://127.0.0.1:${closed}/hook` });
    const refused = await call('POST', '/webhooks/nobody/test');
    expect(refused).toEqual({ status: 200, body: { delivered: false, error: `fetch failed: connect ECONNREFUSED 127.0.0.1:${closed}` } });
    expect(await call('POST', '/webhooks/nowhere/test')).toEqual({ status: 404, body: { error: { code: 'webhook.not_found', message: 'no webhook named nowhere' } } });
  });
});
