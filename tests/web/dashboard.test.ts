// The dashboard in a real browser against a real `sluice serve`, used the way a person uses it: what a new user is
// told to do first; a connection made beforehand listed on the overview, synced with "Sync now" until its job
// succeeds, its log read; its state reset after a confirmation that says what will happen; API tokens and webhooks
// in Settings; and a source whose secret never reaches the page. Any console or page error fails the test.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/cli.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

const SECRET = 'sw0rdfish-never-shown';

describe.runIf(!chromiumMissing)('the dashboard', () => {
  // Paths as connectors (the fixture with a secret field) are for operators who allow them.
  const dash = useDashboard(['--allow-custom-connectors']);

  it('tells a new user what to do first', async () => {
    const page = await dash.open('/');
    await page.getByRole('heading', { name: 'Move your first data' }).waitFor();
    const steps = page.getByRole('listitem').filter({ hasText: /Add a source|Add a destination|Create a connection/ });
    expect(await steps.allInnerTexts()).toEqual([
      'Add a source: where the data comes from (try source-faker).',
      'Add a destination: where it goes (try destination-local-json).',
      'Create a connection between them, pick streams, and press “Sync now”.',
    ]);
    expect(await page.getByRole('link', { name: 'Add a source' }).getAttribute('href')).toBe('/sources/new');
  });

  describe('with a connection made beforehand', () => {
    beforeAll(async () => {
      const created = [
        await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 25, records_per_state: 10 } }),
        await dash.call('POST', '/sources', { name: 'counter', connector: fixture('counter-source.mjs'), config: { count: 3, secret: SECRET } }),
        await dash.call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: join(dash.ws.dir, 'out') } }),
        await dash.call('POST', '/connections', { name: 'faker-to-files', source: 'faker', destination: 'files', streams: ['users'] }),
      ];
      expect(created.map((result) => result.status)).toEqual([201, 201, 201, 201]);
    });

    it('lists the connection on the overview, syncs it with "Sync now", and shows the job and its log', async () => {
      const page = await dash.open('/');
      const row = page.getByRole('row', { name: /faker-to-files/ });
      await expectVisible(row.getByRole('cell', { name: 'faker → files' }));
      await row.getByRole('link', { name: 'faker-to-files' }).click();

      await page.getByRole('heading', { name: /faker-to-files/ }).waitFor();
      expect(page.url()).toMatch(/\/connections\/faker-to-files$/);
      await page.getByText('No jobs yet').waitFor();
      await page.getByRole('button', { name: 'Sync now' }).click();
      const jobs = page.getByRole('table', { name: 'Jobs of this connection, newest first' });
      const job = jobs.getByRole('row').filter({ has: page.getByRole('button', { name: 'Show the log of job 1' }) });
      await job.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
      expect(await job.getByRole('cell').nth(2).innerText()).toBe('25');

      await job.getByRole('button', { name: 'Show the log of job 1' }).click();
      const log = page.getByRole('log', { name: 'Log of job 1' });
      await log.getByText('job 1 succeeded').waitFor();
      const lines = (await log.locator('.log-line').allInnerTexts()).map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''));
      expect(lines).toEqual(['info  job 1 started for connection faker-to-files', 'info  sync source-faker → destination-local-json', 'info  job 1 succeeded']);
      await dash.screenshot(page, 'connection-with-log');

      // A reload of the connection's address shows the same page (the server answers it with the dashboard).
      await page.reload();
      await page.getByRole('heading', { name: /faker-to-files/ }).waitFor();
      await page.getByRole('region', { name: 'State of users' }).waitFor();

      await page.getByRole('link', { name: 'Connections' }).first().click();
      await expectVisible(page.getByRole('row', { name: /faker-to-files/ }).getByText(/25 records · succeeded/));
      await dash.screenshot(page, 'overview');
    });

    it('resets the state only after a confirmation saying what will happen', async () => {
      const page = await dash.open('/connections/faker-to-files');
      await page.getByRole('region', { name: 'State of users' }).waitFor();
      await page.getByRole('button', { name: 'Reset data/state' }).click();
      const dialog = page.getByRole('dialog', { name: 'Reset data/state' });
      await expectVisible(dialog.getByText('The saved state (the cursor position) of every stream of connection faker-to-files is deleted.', { exact: false }));
      await expectVisible(dialog.getByText('Records already in the destination are not deleted', { exact: false }));
      expect(await page.getByRole('region', { name: 'State of users' }).count()).toBe(1);
      await dialog.getByRole('button', { name: 'Reset all streams' }).click();
      await page.getByText('No state yet: the next sync reads every stream from the start.').waitFor();
      expect(await dialog.count()).toBe(0);
      expect((await dash.call('GET', '/connections/faker-to-files/state')).body.state).toEqual([]);
    });

    it('creates an API token shown once and revokes it; adds a webhook and removes it', async () => {
      const page = await dash.open('/settings');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByLabel('Name').fill('ci-deploy');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByText('Copy it now: it is not shown again.').waitFor();
      const token = await page.getByLabel('API token').inputValue();
      expect(token).toMatch(/^slc_[A-Za-z0-9_-]{43}$/);
      await page.getByRole('button', { name: 'I have copied it' }).click();
      expect(await page.content()).not.toContain(token);
      const tokens = page.getByRole('row', { name: /ci-deploy/ });
      await tokens.waitFor();
      await tokens.getByRole('button', { name: 'Revoke ci-deploy' }).click();
      await page.getByRole('button', { name: 'Revoke token' }).click();
      await tokens.waitFor({ state: 'detached' });
      expect((await dash.call('GET', '/tokens')).body.data).toEqual([]);

      await page.getByRole('button', { name: 'Add webhook' }).click();
      const form = page.getByRole('form', { name: 'Add a webhook' });
      await form.getByLabel('Name').fill('ops-alerts');
      await form.getByLabel('URL').fill('http://127.0.0.1:1/');
      await form.getByRole('button', { name: 'Add webhook' }).click();
      await page.getByRole('button', { name: 'I have copied it' }).click();
      const webhook = page.getByRole('row', { name: /ops-alerts/ });
      await expectVisible(webhook.getByText('http://127.0.0.1:1/'));
      await webhook.getByRole('button', { name: 'Remove ops-alerts' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove webhook ops-alerts?' });
      await dialog.getByRole('button', { name: 'Remove webhook' }).click();
      await webhook.waitFor({ state: 'detached' });
      expect((await dash.call('GET', '/webhooks')).body.data).toEqual([]);
    });

    it('lists the sources without their secrets anywhere in the page', async () => {
      const page = await dash.open('/sources');
      const counter = page.getByRole('row', { name: /counter/ });
      await expectVisible(counter.getByText(fixture('counter-source.mjs')));
      await expectVisible(page.getByRole('row', { name: /faker/ }).getByText('source-faker'));
      expect(await page.content()).not.toContain(SECRET);
    });
  });
});

async function expectVisible(locator: { waitFor(options?: { state?: 'visible' }): Promise<void> }): Promise<void> {
  await locator.waitFor({ state: 'visible' });
}
