// The dashboard signs in with an API token and then carries an HttpOnly session cookie: under --require-token
// nothing but the sign-in and the page's shell is reachable without it; signing out, or revoking the token, ends
// the session; a write with the cookie must come from the server's own pages; the cookie never reaches the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type RunningServer } from '../support/server.js';

describe('dashboard sessions under --require-token', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  let origin: string;
  let token: string;
  beforeAll(async () => {
    ws = workspace();
    token = (await ws.run(['token', 'create', 'browser'])).stdout.trim();
    server = await startServe(ws.env, ['--require-token', '--log-level', 'debug']);
    base = `${server.url}/api/v1`;
    origin = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const signIn = async (withToken: string): Promise<{ status: number; cookie: string | null }> => {
    const response = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token: withToken }) });
    return { status: response.status, cookie: response.headers.get('set-cookie') };
  };
  const session = (setCookie: string): string => setCookie.split(';')[0]!;

  it('serves the page shell without a session, but no API route, log or event stream', async () => {
    const page = await fetch(`${server.url}/`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('<title>Sluice</title>');
    // A browser opening a page's address (a bookmark) gets the same shell, which then asks for the token.
    const bookmark = await fetch(`${server.url}/connections/anything`, { headers: { accept: 'text/html' } });
    expect([bookmark.status, await bookmark.text()]).toEqual([200, await (await fetch(`${server.url}/`)).text()]);
    for (const path of ['/health', '/connections', '/jobs', '/jobs/1/logs', '/jobs/1/events', '/tokens', '/openapi.json']) {
      const answer = await api(base, 'GET', path);
      expect([path, answer.status, answer.body.error.code]).toEqual([path, 401, 'api.unauthorized']);
    }
    expect((await fetch(`${server.url}/anything-else`)).status).toBe(401);
    // The router decodes escapes in a path: an API route spelled with them is still the API, HTML accepted or not.
    for (const path of ['/%61pi/v1/connections', '/api/v1/%63onnections', '/%61pi/v1/openapi.json']) {
      const answer = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect([path, answer.status]).toEqual([path, 401]);
    }
  });

  it('signs in with a token, sets an HttpOnly SameSite=Strict cookie, and the API answers to it until sign-out', async () => {
    expect(await signIn(`${token}x`)).toEqual({ status: 401, cookie: null });
    const signedIn = await signIn(token);
    expect(signedIn.status).toBe(204);
    expect(signedIn.cookie).toMatch(/^sluice_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const cookie = session(signedIn.cookie!);
    expect(await api(base, 'GET', '/health', undefined, { cookie })).toMatchObject({ status: 200, body: { status: 'ok' } });
    // A write from the dashboard's own page (its Origin) is accepted.
    expect((await api(base, 'POST', '/tokens', { name: 'made-in-browser' }, { cookie, origin })).status).toBe(201);
    const signedOut = await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie, origin } });
    expect([signedOut.status, signedOut.headers.get('set-cookie')]).toEqual([204, 'sluice_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0']);
    expect((await api(base, 'GET', '/health', undefined, { cookie })).status).toBe(401);
  });

  it('ends the sessions of a revoked token', async () => {
    const other = (await ws.run(['token', 'create', 'short-lived'])).stdout.trim();
    const cookie = session((await signIn(other)).cookie!);
    expect((await api(base, 'GET', '/connections', undefined, { cookie })).status).toBe(200);
    expect((await ws.run(['token', 'revoke', 'short-lived'])).exitCode).toBe(0);
    expect((await api(base, 'GET', '/connections', undefined, { cookie })).status).toBe(401);
  });

  it('refuses a write with the cookie from another origin, or with no sign of its origin', async () => {
    const cookie = session((await signIn(token)).cookie!);
    const foreign = await api(base, 'POST', '/tokens', { name: 'csrf' }, { cookie, origin: 'https://evil.example' });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'api.forbidden']);
    const unmarked = await api(base, 'POST', '/tokens', { name: 'csrf' }, { cookie });
    expect(unmarked).toEqual({
      status: 403,
      body: { error: { code: 'api.forbidden', message: "POST /api/v1/tokens with a session cookie must come from this server's own pages", hint: 'a browser sends Origin (or Sec-Fetch-Site: same-origin) by itself; other clients send Authorization: Bearer TOKEN' } },
    });
    expect((await api(base, 'POST', '/tokens', { name: 'same-site' }, { cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    const names = (await api(base, 'GET', '/tokens', undefined, { cookie })).body.data.map((item: any) => item.name);
    expect(names).not.toContain('csrf');
  });

  it('never writes a token or a session id to the server log', async () => {
    const signedIn = await signIn(token);
    await api(base, 'GET', `/health?probe=1`, undefined, { cookie: session(signedIn.cookie!) });
    const value = session(signedIn.cookie!).split('=')[1]!;
    const log = await server.stop();
    expect(log).toContain('api request');
    expect(log).not.toContain(value);
    expect(log).not.toContain(token);
    server = await startServe(ws.env, ['--require-token']);
  });
});
