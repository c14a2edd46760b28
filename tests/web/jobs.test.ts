// Watching jobs on the dashboard, in a real browser against a real `sluice serve`: a running job's per-stream
// progress and log follow it live without a reload until it is cancelled; a failing source stands out on the
// overview and its job shows the connector's message, attempts and log with the secret masked; and the chart of
// records and duration per job once a few jobs have run. The running source holds at record counts until the test
// creates a marker file (counter-source's hold_at), so what the page shows at each point is known.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { fixture } from '../support/cli.js';
import { chromiumAvailability, screenshotDir, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

const SECRET = 'hunter2-j0bs-never-shown';

describe.runIf(!chromiumMissing)('watching jobs on the dashboard', () => {
  const dash = useDashboard(['--allow-custom-connectors']);
  let released: string;

  beforeAll(async () => {
    released = join(dash.ws.dir, 'go-on-after-5');
    const holds = [{ after: 5, until: released }, { after: 10, until: join(dash.ws.dir, 'never-created') }];
    const created = [
      await dash.call('POST', '/sources', { name: 'slow', connector: fixture('counter-source.mjs'), config: { count: 20, records_per_state: 5, estimate: true, hold_at: holds } }),
      await dash.call('POST', '/sources?check=false', { name: 'careless', connector: fixture('leaks-secret.mjs'), config: { user: 'ann', password: SECRET } }),
      await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 10, records_per_state: 10 } }),
      await dash.call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: join(dash.ws.dir, 'out') } }),
      await dash.call('POST', '/connections', { name: 'slow-to-files', source: 'slow', destination: 'files', streams: ['items'] }),
      await dash.call('POST', '/connections', { name: 'careless-to-files', source: 'careless', destination: 'files', streams: ['things'] }),
      await dash.call('POST', '/connections', { name: 'faker-to-files', source: 'faker', destination: 'files', streams: ['users'] }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201, 201, 201, 201, 201]);
  });

  it("follows a running job's progress and log live, without a reload, until it is cancelled", async () => {
    const page = await dash.open('/connections/slow-to-files');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('heading', { name: 'Job 1 is running' }).waitFor();
    const items = page.getByRole('table', { name: 'Progress per stream' }).getByRole('row', { name: /items/ });
    await page.getByRole('button', { name: 'Show the log of job 1' }).click();
    const log = page.getByRole('log', { name: 'Log of job 1' });
    await page.getByRole('heading', { name: 'Log of job 1 (following)' }).waitFor();

    // Held at 5 records: the stream's numbers and the source's estimate (20 rows), and the log line saying so.
    await log.getByText('holding at 5 records').waitFor();
    await expect.poll(() => progressCells(items), { timeout: 15_000 }).toEqual({ read: '5', committed: '5', estimate: expect.stringMatching(/^25% of ~20/) });
    expect(await items.getByRole('progressbar', { name: 'items: 25% of about 20 records' }).count()).toBe(1);
    await page.getByText(/\d+(\.\d+)? records\/s/).waitFor();
    const linesAtFive = await log.locator('.log-line').count();
    // The job's row counts the attempt under way.
    const row = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row')
      .filter({ has: page.getByRole('button', { name: 'Show the log of job 1' }) });
    expect((await row.getByRole('cell').allInnerTexts()).slice(3, 5)).toEqual(['1', 'running']);

    // Let the source go on to its next hold: the same page, not reloaded, shows the new numbers and the new log line.
    writeFileSync(released, 'go on');
    await log.getByText('holding at 10 records').waitFor();
    await expect.poll(() => progressCells(items), { timeout: 15_000 }).toEqual({ read: '10', committed: '10', estimate: expect.stringMatching(/^50% of ~20/) });
    expect(await log.locator('.log-line').count()).toBeGreaterThan(linesAtFive);
    // The state committed so far shows too, without a reload.
    await page.getByRole('region', { name: 'State of items' }).getByText('"cursor": 10').waitFor();
    await dash.screenshot(page, 'job-running-live');

    await page.getByRole('button', { name: 'Cancel sync' }).click();
    await row.getByText('cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Job 1 is running' }).waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Log of job 1', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Sync now' }).isEnabled()).toBe(true);
    // Someone asked for the cancel: its reason is shown, but not as an error.
    expect(await row.getByRole('cell').last().innerText()).toBe('job.cancelled: the job was cancelled; what the destination acknowledged is committed');
    expect(await row.locator('.error-text').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Cancel sync' }).count()).toBe(0);
    expect((await dash.call('GET', '/jobs')).body.data.filter((listed: { status: string }) => listed.status === 'running')).toEqual([]);
    expect((await dash.call('GET', '/jobs/1')).body).toMatchObject({ status: 'cancelled', recordsCommitted: 10 });
  });

  it('makes a failing connection stand out and shows why its job failed, with the secret masked everywhere', async () => {
    const page = await dash.open('/connections/careless-to-files');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const jobs = page.getByRole('table', { name: 'Jobs of this connection, newest first' });
    const job = jobs.getByRole('row').filter({ has: page.getByRole('button', { name: /Show the log of job/ }) }).first();
    await job.getByText('failed', { exact: true }).waitFor({ timeout: 30_000 });
    const cells = await job.getByRole('cell').allInnerTexts();
    // Started, duration, records, attempts, status, failure reason.
    expect(cells.slice(3)).toEqual(['1', 'failed', `connector.failed: connector ${fixture('leaks-secret.mjs')} (read) failed (config_error): login failed for **********`]);

    await job.getByRole('button', { name: /Show the log of job/ }).click();
    const log = page.getByRole('log', { name: /Log of job/ });
    await log.locator('.level-error').first().waitFor();
    expect(await log.innerText()).toContain('login failed for **********');
    expect(await page.content()).not.toContain(SECRET);
    await dash.screenshot(page, 'job-failed');

    await page.getByRole('link', { name: 'Connections' }).first().click();
    const row = page.getByRole('row', { name: /careless-to-files/ });
    await row.getByText(/records · failed/).waitFor();
    expect(await row.getByRole('cell').nth(2).innerText()).toBe('failed');
    expect(await row.getAttribute('class')).toContain('row-failed');
    expect((await row.locator('.error-text').innerText()).trim()).toBe('(connector.failed)');
    expect(await page.content()).not.toContain(SECRET);
    // Beside it the cancelled job of the first test is not an error.
    const cancelled = page.getByRole('row', { name: /slow-to-files/ });
    await cancelled.getByText(/10 records · cancelled/).waitFor();
    expect((await cancelled.getAttribute('class')) ?? '').not.toContain('row-failed');
    expect(await cancelled.locator('.error-text').count()).toBe(0);
  });

  it('draws the records and duration of each job in a chart once several jobs have run', async () => {
    const page = await dash.open('/connections/faker-to-files');
    // Faker's users are read incrementally: each sync commits the users added since the last (count 10, 40, 100).
    for (const [index, records] of [10, 30, 60].entries()) {
      if (index > 0) expect((await dash.call('PATCH', '/sources/faker', { config: { count: [10, 40, 100][index], records_per_state: 10 } })).status).toBe(200);
      await page.getByRole('button', { name: 'Sync now' }).click();
      // The newest job is the first row under the header.
      const jobs = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row');
      await expect.poll(() => jobs.count(), { timeout: 15_000 }).toBe(index + 2);
      const row = jobs.nth(1);
      await row.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
      expect(await row.getByRole('cell').nth(2).innerText()).toBe(String(records));
    }
    const chart = page.getByRole('img', { name: /Records committed and duration of the last 3 finished jobs/ });
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/the latest, job \d+, committed 60 records$/);
    const figure = page.getByRole('figure', { name: 'Records committed and duration per finished job' });
    expect(await figure.locator('.u-legend .u-label').allInnerTexts()).toEqual(['Records committed', 'Duration (s)']);
    expect(await figure.locator('.u-axis').count()).toBe(3);
    await figure.scrollIntoViewIfNeeded();
    await figure.screenshot({ path: join(screenshotDir, 'job-chart-figure.png') });
    await dash.screenshot(page, 'job-chart');
  });
});

async function progressCells(row: Locator): Promise<{ read: string; committed: string; estimate: string }> {
  // The row header is the stream; then status, records read, committed, bytes, estimate.
  const cells = await row.getByRole('cell').allInnerTexts();
  return { read: cells[1] ?? '', committed: cells[2] ?? '', estimate: cells[4] ?? '' };
}
