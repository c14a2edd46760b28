// Access to the dashboard of a `sluice serve --require-token`, as a person meets it in a real browser: any address
// shows the sign-in page and no data; a wrong token is refused with the server's words; the right one signs in and
// the session (an HttpOnly cookie) survives a reload; without it the API, the logs included, answers 401 while the
// page works with it; signing out returns to the sign-in page and the old session cookie no longer opens anything.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

describe.runIf(!chromiumMissing)('signing in to a dashboard that requires a token', () => {
  const dash = useDashboard(['--require-token']);
  let token: string;
  // Chromium logs each 401 answer to the console: expected while signed out, and the only console error allowed here.
  beforeEach(() => dash.expectRefusals(401));

  beforeAll(async () => {
    token = (await dash.ws.run(['token', 'create', 'browser'])).stdout.trim();
    const bearer = { authorization: `Bearer ${token}` };
    const created = [
      await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 5 } }, bearer),
      await dash.call('POST', '/destinations', { name: 'nowhere', connector: 'destination-dev-null', config: {} }, bearer),
      await dash.call('POST', '/connections', { name: 'faker-to-nowhere', source: 'faker', destination: 'nowhere', streams: ['users'] }, bearer),
      await dash.call('POST', '/connections/faker-to-nowhere/sync', {}, bearer),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201, 202]);
  });

  it('shows the sign-in page and no data at any address without a session, and refuses a wrong token', async () => {
    const page = await dash.open('/');
    await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect(await page.content()).not.toContain('faker-to-nowhere');

    await page.getByLabel('API token').fill(`${token}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the API token is not valid').waitFor();
    expect(await sessionCookie(page)).toBeUndefined();

    // A connection's own address (a bookmark, a link in a message) asks for the token too, rather than an error.
    const deep = await dash.open('/connections/faker-to-nowhere');
    await deep.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
    expect(await deep.content()).not.toContain('source-faker');

    for (const path of ['/connections', '/connections/faker-to-nowhere', '/jobs/1', '/jobs/1/logs', '/jobs/1/events', '/sources']) {
      expect([path, await statusFromPage(deep, path)]).toEqual([path, 401]);
      expect([path, (await dash.call('GET', path)).status]).toEqual([path, 401]);
    }
  });

  it('signs in with the right token, keeps the session across a reload, and signing out ends it', async () => {
    const page = await dash.open('/connections/faker-to-nowhere');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, the page asked for is shown.
    await page.getByRole('heading', { name: /faker-to-nowhere/ }).waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.reload();
    await page.getByRole('heading', { name: /faker-to-nowhere/ }).waitFor();
    await page.getByRole('link', { name: 'Connections' }).first().click();
    await page.getByRole('row', { name: /faker-to-nowhere/ }).getByText('faker → nowhere').waitFor();
    await dash.screenshot(page, 'signed-in-overview');

    // The page's calls carry the session; the same calls without it are refused.
    expect(await statusFromPage(page, '/jobs/1/logs')).toBe(200);
    expect((await dash.call('GET', '/jobs/1/logs')).status).toBe(401);
    const withCookie = { cookie: `sluice_session=${cookie!.value}` };
    expect((await dash.call('GET', '/connections', undefined, withCookie)).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
    expect(await sessionCookie(page)).toBeUndefined();
    expect((await dash.call('GET', '/connections', undefined, withCookie)).status).toBe(401);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
    expect(await page.content()).not.toContain('faker → nowhere');
  });
});

/** The status of a GET of the API made by the page itself, with whatever cookie the browser holds. */
function statusFromPage(page: Page, path: string): Promise<number> {
  return page.evaluate(async (url) => (await fetch(url, { credentials: 'same-origin' })).status, `/api/v1${path}`);
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'sluice_session');
}
