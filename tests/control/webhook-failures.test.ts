// A webhook that cannot be delivered says why: the network error behind fetch's "fetch failed", and an answer whose
// body breaks off is noted rather than dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { workspace, type Workspace } from '../support/workspace.js';

let server: Server;
let brokenUrl: string;
let closedPort: number;

beforeAll(async () => {
  // Answers 200 with a body it never finishes: the status arrives, the body read fails.
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-length': '100' });
    response.write('partial', () => response.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  brokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  // A port nothing listens on: one the system handed out and that was closed again.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function connection(url: string): Promise<Workspace> {
  const ws = workspace({ SLUICE_WEBHOOK_BACKOFF_MS: '1' });
  expect((await ws.run(['webhook', 'create', 'ops', '--url', url, '--events', 'job.started'])).exitCode).toBe(0);
  expect((await ws.run(['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', '{"count":1}'])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', 'void', '--connector', 'destination-dev-null', '--config-json', '{}'])).exitCode).toBe(0);
  expect((await ws.run(['connection', 'create', 'quick', '--source', 'faker', '--destination', 'void', '--streams', 'users'])).exitCode).toBe(0);
  return ws;
}

describe('webhook delivery failures', () => {
  it('a refused connection is named in the warning, not just "fetch failed"', async () => {
    const ws = await connection(`http://127.0.0.1:${closedPort}/hook`);
    const synced = await ws.run(['sync', 'quick']);
    expect(synced.exitCode).toBe(0);
    expect(synced.stderr).toContain(`webhook ops could not be delivered job.started after 5 attempts (fetch failed: connect ECONNREFUSED 127.0.0.1:${closedPort})`);
  });

  it('an answer whose body breaks off counts as delivered and is noted at debug', async () => {
    const ws = await connection(brokenUrl);
    const synced = await ws.run(['--log-level', 'debug', 'sync', 'quick']);
    expect(synced.exitCode).toBe(0);
    expect(synced.stderr).toContain('webhook ops answered job.started with HTTP 200 but its body could not be read: ');
    expect(synced.stderr).not.toContain('could not be delivered');
  });
});
