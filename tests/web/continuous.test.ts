// A continuous connection in the dashboard, against a real `sluice serve` (issue 15): created through the form with
// the schedule "Continuous (real-time)", its following job is started by the scheduler and shown live — a live badge,
// lag, changes/s, the committed position and each stream's lag, updating as the fixture source follows — on the
// connection's page and in the overview; "Stop" cancels it, and the page says it stopped and how to start it again.
// The source is a fixture that follows (follows-source.mjs: a change and a state with sourceProgress every 200 ms).
// Needs the control plane's side of the contract: schedule `continuous` kept running by the scheduler, and `follow`
// on job objects and progress events.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { fixture } from '../support/cli.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();
/** A lag as the dashboard says it: "0.4 s", or "< 0.1 s" for a local commit. */
const LAG = /^(?:\d+\.\d|< 0\.1) s$/;

describe.runIf(!chromiumMissing)('a continuous connection in the dashboard', () => {
  // The source that follows is a fixture: paths as connectors need the flag.
  const dash = useDashboard(['--allow-custom-connectors']);
  let outDir: string;

  beforeAll(async () => {
    outDir = join(dash.ws.dir, 'out');
    const created = [
      await dash.call('POST', '/sources', { name: 'ticker', connector: fixture('follows-source.mjs'), config: {} }),
      await dash.call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: outDir } }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201]);
  });

  it('creates a continuous connection, shows its job following live with lag and changes/s, and stops it', async () => {
    const page = await dash.open('/connections/new');
    const form = page.getByRole('form', { name: 'New connection' });
    await page.getByLabel('Source', { exact: true }).selectOption('ticker');
    await page.getByLabel('Destination', { exact: true }).selectOption('files');
    await page.getByRole('button', { name: 'Discover streams' }).click();
    await page.getByText('1 of 1 streams selected').waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: 'Sync mode of changes' }).selectOption({ label: 'Incremental | Append' });
    await form.getByRole('radio', { name: 'Continuous (real-time)' }).check();
    await expectVisible(form.getByText(
      'Runs: Continuously: changes replicate within seconds from a source that follows (e.g. PostgreSQL CDC); others run back to back.'));
    await dash.screenshot(page, 'continuous-new-connection');
    await page.getByRole('button', { name: 'Create connection' }).click();

    const header = page.getByRole('heading', { name: /ticker-to-files/ });
    await header.waitFor();
    expect((await dash.call('GET', '/connections/ticker-to-files')).body).toMatchObject({ schedule: 'continuous', status: 'active' });
    await expectVisible(page.getByText('· Continuous (real-time)'));

    // The scheduler starts its following job by itself: no "Sync now".
    const progress = page.getByRole('region', { name: /^Job \d+ is running/ });
    await progress.waitFor({ timeout: 30_000 });
    await expectVisible(header.getByText('live', { exact: true }));
    await expectVisible(progress.getByRole('heading').getByText('live', { exact: true }));
    const figures = page.getByRole('group', { name: 'Following the source' });
    // Figures arrive with the first commits, then move on as the source follows (a change every 200 ms).
    await expect.poll(() => figure(figures, 'Lag'), { timeout: 30_000 }).toMatch(LAG);
    await expect.poll(async () => Number((await figure(figures, 'Changes/s')).replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    const firstPosition = Number(await figure(figures, 'Committed position'));
    expect(firstPosition).toBeGreaterThan(0);
    await expect.poll(async () => Number(await figure(figures, 'Committed position')), { timeout: 30_000 }).toBeGreaterThan(firstPosition);
    expect(await figure(figures, 'Restarts')).toBe('0');
    const stream = page.getByRole('table', { name: 'Progress per stream' }).getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'changes', exact: true }) });
    await expect.poll(async () => (await stream.getByRole('cell').allInnerTexts()).at(-1), { timeout: 30_000 }).toMatch(LAG);
    expect(await page.getByRole('button', { name: 'Cancel sync' }).count()).toBe(0);
    await dash.screenshot(page, 'continuous-running');

    // The overview: its schedule says continuous, its status is live, its job's lag and rate stand for the last sync.
    const overview = await dash.open('/');
    const row = overview.getByRole('row').filter({ has: overview.getByRole('link', { name: 'ticker-to-files' }) });
    await expectVisible(row.getByText('live', { exact: true }));
    await expectVisible(row.getByText('Continuous', { exact: true }));
    await expect.poll(() => row.getByRole('cell').nth(3).innerText(), { timeout: 30_000 }).toMatch(/^following since .+ ago · lag (?:\d+\.\d|< 0\.1) s · [\d.,]+ changes\/s$/);
    await dash.screenshot(overview, 'continuous-overview');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    const job = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row').nth(1);
    await job.getByText('cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await expectVisible(page.getByRole('status').getByText('Stopped: it follows the source again once you press Sync now (or disable and enable it).'));
    await progress.waitFor({ state: 'detached' });
    await expectVisible(header.getByText('stopped', { exact: true }));
    // What was committed before the stop is in the destination, and the stopped job kept its last figures.
    const jobs = (await dash.call('GET', '/connections/ticker-to-files/jobs')).body.data;
    expect(jobs.map((item: { status: string }) => item.status)).toEqual(['cancelled']);
    expect(jobs[0].follow).toMatchObject({ restarts: 0 });
    expect(Number(jobs[0].follow.position)).toBeGreaterThanOrEqual(firstPosition);
    expect(jobs[0].recordsCommitted).toBeGreaterThan(0);
    expect(writtenRecords()).toBeGreaterThanOrEqual(jobs[0].recordsCommitted);
  });

  /** Records in the stream's file of destination-local-json (one JSON line each). */
  function writtenRecords(): number {
    return readFileSync(join(outDir, 'changes.jsonl'), 'utf8').split('\n').filter((line) => line !== '').length;
  }
});

/** The value of the figure named `name` (its dt) in the follow figures. */
async function figure(figures: Locator, name: string): Promise<string> {
  return (await figures.locator('.figure').filter({ has: figures.page().getByRole('term').filter({ hasText: name }) }).getByRole('definition').innerText()).trim();
}

async function expectVisible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible' });
}
