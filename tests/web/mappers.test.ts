// Editing a connection's mappers on the dashboard, in a real browser against a real `sluice serve` with source-faker
// and destination-local-json: steps added with the forms (select, rename, salted hash, a drop filter) are saved and
// shown in words after a reload with the salt masked; a sync writes the mapped records and the page shows how many
// the filter dropped; a step the API refuses shows its message and saves nothing; and an edit keeps the stored salt.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { rows } from '../support/workspace.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

const SALT = 'pepper-s3cret-never-shown';
const USERS = 40;
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe.runIf(!chromiumMissing)('mappers on the dashboard', () => {
  const dash = useDashboard();
  let mappedDir: string;
  let plainEmails: Map<number, string>;
  let firstHashes: Map<number, string>;

  async function syncAndWait(connection: string): Promise<number> {
    const started = await dash.call('POST', `/connections/${connection}/sync`);
    expect(started.status).toBe(202);
    const id = started.body.job.id as number;
    // A plain loop: expect.poll is only allowed inside a test, and this also runs in beforeAll.
    const until = Date.now() + 30_000;
    let status = 'running';
    while (status === 'running' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await dash.call('GET', `/jobs/${id}`)).body.status;
    }
    expect(status).toBe('succeeded');
    return id;
  }

  beforeAll(async () => {
    mappedDir = join(dash.ws.dir, 'mapped');
    const fullRefresh = { users: { syncMode: 'full_refresh', destinationSyncMode: 'overwrite' } };
    const created = [
      await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: USERS } }),
      await dash.call('POST', '/destinations', { name: 'mapped-files', connector: 'destination-local-json', config: { destination_path: mappedDir } }),
      await dash.call('POST', '/destinations', { name: 'plain-files', connector: 'destination-local-json', config: { destination_path: join(dash.ws.dir, 'plain') } }),
      await dash.call('POST', '/connections', { name: 'people', source: 'faker', destination: 'mapped-files', streams: ['users'], overrides: fullRefresh }),
      await dash.call('POST', '/connections', { name: 'people-plain', source: 'faker', destination: 'plain-files', streams: ['users'], overrides: fullRefresh }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201, 201, 201]);
    // The same users without mappers: what the salted hashes are checked against.
    await syncAndWait('people-plain');
    plainEmails = new Map(rows(join(dash.ws.dir, 'plain'), 'users').map((row) => [row['id'], row['email']]));
    expect(plainEmails.size).toBe(USERS);
  });

  it('adds select, rename, a salted hash and a drop filter, saves them, and shows them in words after a reload, the salt masked', async () => {
    const page = await dash.open('/connections/people');
    const section = page.getByRole('region', { name: 'Mappers of users' });
    await section.getByText('No mappers: records pass as they are.').waitFor();
    await dash.screenshot(page, 'mappers-empty');

    await page.getByRole('button', { name: 'Edit mappers' }).click();
    const select = await addStep(page, 'select', 1);
    expect(await select.getByRole('checkbox').count()).toBe(6);
    await select.getByRole('checkbox', { name: 'created_at' }).uncheck();

    const rename = await addStep(page, 'rename', 2);
    // Offered: the fields the select before it keeps.
    expect(await rename.getByLabel('Field').locator('option').allInnerTexts()).toEqual(['Choose a field…', 'id', 'name', 'email', 'age', 'updated_at']);
    await rename.getByLabel('Field').selectOption('name');
    await rename.getByLabel('New name').fill('full_name');

    const hash = await addStep(page, 'hash', 3);
    expect(await hash.getByLabel('Field').locator('option').allInnerTexts()).toContain('full_name');
    await hash.getByLabel('Field').selectOption('email');
    expect(await hash.getByLabel('Salt').getAttribute('type')).toBe('password');
    await hash.getByLabel('Salt').fill(SALT);

    const filter = await addStep(page, 'filter', 4);
    await filter.getByLabel('Field of condition 1').selectOption('age');
    await filter.getByLabel('Operator of condition 1').selectOption('lt');
    await filter.getByLabel('Value of condition 1').fill('30');
    expect(await filter.getByLabel('Type of condition 1').innerText()).toBe('number');
    await filter.getByText('Drop rows where age < 30').waitFor();
    await dash.screenshot(page, 'mappers-editing');

    await page.getByRole('button', { name: 'Save mappers' }).click();
    await page.getByRole('status').filter({ hasText: 'Mappers saved.' }).waitFor();
    expect((await dash.call('GET', '/connections/people')).body.mappers).toEqual({
      users: {
        steps: [
          { type: 'select', fields: ['id', 'name', 'email', 'age', 'updated_at'] },
          { type: 'rename', field: 'name', to: 'full_name' },
          { type: 'hash', field: 'email', algorithm: 'sha256', target: 'replace', salt: '**********' },
          { type: 'filter', drop: { field: 'age', lt: 30 } },
        ],
      },
    });

    await page.reload();
    await expect.poll(() => stepsInWords(page)).toEqual([
      'Keep only id, name, email, age, updated_at', 'Rename name → full_name', 'Hash email (SHA-256, salted) → email', 'Drop rows where age < 30',
    ]);
    await page.getByRole('button', { name: 'Edit mappers' }).click();
    await step(page, 3).getByText('stored (unchanged)').waitFor();
    expect(await page.content()).not.toContain(SALT);
    await dash.screenshot(page, 'mappers-saved');
  });

  it('syncs the mapped records: renamed, hashed with the salt, the dropped rows absent and counted on the page', async () => {
    const page = await dash.open('/connections/people');
    await page.getByRole('button', { name: 'Sync now' }).click();
    const jobs = page.getByRole('table', { name: 'Jobs of this connection, newest first' });
    await jobs.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });

    const written = rows(mappedDir, 'users');
    const dropped = USERS - written.length;
    expect(dropped).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(0);
    for (const row of written) {
      expect(Object.keys(row).sort()).toEqual(['age', 'email', 'full_name', 'id', 'updated_at']);
      expect(row['age']).toBeGreaterThanOrEqual(30);
      expect(row['email']).toBe(sha256(SALT + plainEmails.get(row['id'])));
    }
    firstHashes = new Map(written.map((row) => [row['id'], row['email']]));

    const id = (await dash.call('GET', '/connections/people/jobs')).body.data[0].id;
    await page.getByRole('button', { name: `Show the log of job ${id}` }).click();
    const streams = page.getByRole('table', { name: `Streams of job ${id}` });
    expect(await streams.getByRole('columnheader').allTextContents()).toEqual(['Stream', 'Records read', 'Filtered out by mappers', 'Committed']);
    expect(await streams.getByRole('row', { name: /users/ }).getByRole('cell').allInnerTexts()).toEqual([String(USERS), String(dropped), String(USERS)]);
    await page.getByText(`${USERS - dropped} records reached the destination.`).waitFor();
    await dash.screenshot(page, 'mappers-job-filtered');
  });

  it("shows a problem at its input before saving, and the API's refusal of a bad step, saving nothing", async () => {
    dash.expectRefusals(400);
    const page = await dash.open('/connections/people');
    await page.getByRole('button', { name: 'Edit mappers' }).click();
    const expression = await addStep(page, 'expression', 5);
    await page.getByRole('button', { name: 'Save mappers' }).click();
    expect(await expression.locator('.field-error').allInnerTexts()).toEqual(['Write an expression']);

    await expression.getByLabel('Target field (optional)').fill('domain');
    await expression.getByLabel('JSONata expression').fill("$substringAfter(email, '@'");
    await page.getByRole('button', { name: 'Save mappers' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe(
      'Could not save the mappers: users step 5 (expression), field domain: the expression does not compile: Expected ")" before end of expression (at character 26)',
    );
    await dash.screenshot(page, 'mappers-error');
    expect((await dash.call('GET', '/connections/people')).body.mappers.users.steps).toHaveLength(4);

    await page.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => stepsInWords(page)).toHaveLength(4);
  });

  it('keeps the stored salt when another step is edited: the hashes stay equal', async () => {
    const page = await dash.open('/connections/people');
    await page.getByRole('button', { name: 'Edit mappers' }).click();
    // Moved, the stored salt cannot be kept (the API keeps it only at its place): the page says so before saving.
    await page.getByRole('button', { name: 'Move step 3 up' }).click();
    await page.getByRole('button', { name: 'Save mappers' }).click();
    expect(await step(page, 2).locator('.field-error').allInnerTexts()).toEqual(['The stored salt is kept only at its place (step 3, field email): enter the salt again']);
    await page.getByRole('button', { name: 'Move step 2 down' }).click();
    // Starting to replace it and thinking better of it keeps it too.
    await step(page, 3).getByRole('button', { name: 'Replace salt' }).click();
    expect(await step(page, 3).getByLabel('Salt').inputValue()).toBe('');
    await step(page, 3).getByRole('button', { name: 'Keep stored' }).click();
    await step(page, 3).getByText('stored (unchanged)').waitFor();

    await step(page, 2).getByLabel('New name').fill('display_name');
    await step(page, 4).getByLabel('Value of condition 1').fill('40');
    await page.getByRole('button', { name: 'Save mappers' }).click();
    await page.getByRole('status').filter({ hasText: 'Mappers saved.' }).waitFor();
    await expect.poll(() => stepsInWords(page)).toEqual([
      'Keep only id, name, email, age, updated_at', 'Rename name → display_name', 'Hash email (SHA-256, salted) → email', 'Drop rows where age < 40',
    ]);

    await syncAndWait('people');
    const written = rows(mappedDir, 'users');
    expect(written.length).toBeGreaterThan(0);
    for (const row of written) {
      expect(row['display_name']).toEqual(expect.any(String));
      expect(row['age']).toBeGreaterThanOrEqual(40);
      expect(row['email']).toBe(firstHashes.get(row['id']));
    }
  });
});

/** Adds a step of `type` to the users stream and returns its form (the `number`th step). */
async function addStep(page: Page, type: string, number: number): Promise<Locator> {
  await page.getByLabel('Step type to add (users)').selectOption(type);
  await page.getByRole('button', { name: 'Add step' }).click();
  const added = step(page, number);
  await added.waitFor();
  return added;
}

const step = (page: Page, number: number): Locator => page.getByRole('group', { name: new RegExp(`^Step ${number} of users: `) });

const stepsInWords = (page: Page): Promise<string[]> => page.getByRole('region', { name: 'Mappers of users' }).getByRole('listitem').allInnerTexts();
