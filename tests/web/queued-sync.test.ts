// "Sync now" on the dashboard of a PostgreSQL workspace, in a real browser: the run is queued for a worker (serve runs
// none here, --no-worker), the page says so, and once a real `sluice worker` starts the job the page shows it running
// (the note gone) and then succeeded, without a reload.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { startWorker } from '../support/server.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();
const postgresMissing = await postgresAvailability();
const KEY = Buffer.alloc(32, 9).toString('base64');

describe.runIf(!chromiumMissing && !postgresMissing)('the dashboard on a PostgreSQL workspace', () => {
  const url = useFreshDatabase();
  const dash = useDashboard(['--no-worker', '--allow-custom-connectors'], () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: KEY }));
  let release: string;

  beforeAll(async () => {
    release = join(dash.ws.dir, 'release');
    const created = [
      await dash.call('POST', '/sources', { name: 'held', connector: fixture('counter-source.mjs'), config: { count: 10, records_per_state: 5, hold_at: [{ after: 5, until: release }] } }),
      await dash.call('POST', '/destinations', { name: 'files', connector: 'destination-local-json', config: { destination_path: join(dash.ws.dir, 'out') } }),
      await dash.call('POST', '/connections', { name: 'held-to-files', source: 'held', destination: 'files', streams: ['items'] }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201]);
  });

  it('says a run is queued until a worker starts its job, then follows the job to its end', async () => {
    const page = await dash.open('/connections/held-to-files');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const note = page.getByRole('status').filter({ hasText: 'The job is queued: it starts as soon as a worker has room.' });
    await note.waitFor();
    const worker = await startWorker({ ...dash.ws.env, SLUICE_HOME: join(dash.ws.dir, 'worker') }, dash.ws.dir);
    try {
      await page.getByRole('heading', { name: 'Job 1 is running' }).waitFor();
      expect(await note.count()).toBe(0);
      writeFileSync(release, 'go on');
      const row = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row')
        .filter({ has: page.getByRole('button', { name: 'Show the log of job 1' }) });
      await expect.poll(async () => (await row.getByRole('cell').allInnerTexts()).slice(4, 5), { timeout: 20_000 }).toEqual(['succeeded']);
    } finally {
      writeFileSync(release, 'go on');
      await worker.stop();
    }
  });
});
