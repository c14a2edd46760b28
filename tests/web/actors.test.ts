// Sources and destinations in a real browser against a real `sluice serve`, the way a person sets them up: the
// searchable connector catalog, the form drawn from a connector's spec (defaults, descriptions, `order`, required
// fields, enums, booleans, arrays, nested objects, oneOf groups, secrets as password inputs), invalid input shown at
// its field before anything is sent, Test with the connector's own verdict, editing that keeps a stored secret the
// page never sees, and deletion refused while a connection uses the actor.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture } from '../support/cli.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

// every-field-kind.mjs accepts keys starting with "good-" and reports the first 12 hex digits of the key's sha256.
const FIRST_KEY = 'good-first-key-4f1c';
const FIRST_KEY_FINGERPRINT = 'key fingerprint 930876e989a1';
const SECOND_KEY = 'good-second-key-9a2e';
const SECOND_KEY_FINGERPRINT = 'key fingerprint 59475f2dc695';
const SSH_PASSWORD = 'tunnel-pa55-never-shown';

describe.runIf(!chromiumMissing)('sources and destinations', () => {
  // Fixture connectors are paths, which only a server allowing custom connectors runs.
  const dash = useDashboard(['--allow-custom-connectors']);

  it('adds a source from the searchable catalog through a form drawn from its spec, refusing invalid input at its field', async () => {
    const page = await dash.open('/sources');
    await page.getByRole('link', { name: 'New source' }).click();
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    const catalog = page.getByRole('list', { name: 'source connectors' });
    await visible(catalog.getByRole('button', { name: /source-file/ }));

    await page.getByLabel('Search connectors').fill('fake');
    const faker = catalog.getByRole('button', { name: /source-faker/ });
    await visible(faker.getByText('Deterministic fake users, products and purchases; incremental by updated_at.'));
    await catalog.getByRole('button', { name: /source-file/ }).waitFor({ state: 'detached' });
    expect(await catalog.getByRole('listitem').count()).toBe(1);
    await dash.screenshot(page, 'new-source-catalog-search');
    await page.getByLabel('Search connectors').fill('no such thing');
    await visible(page.getByText('No built-in source matches “no such thing”. A custom connector can be named below.'));
    await page.getByLabel('Search connectors').fill('faker');
    await faker.click();

    await page.getByText('Connector source-faker').waitFor();
    const count = page.getByLabel('Count', { exact: true });
    await visible(count);
    expect(await fieldLabels(page)).toEqual(['Name', 'Count', 'Seed', 'Records per state', 'Skip the connection check when saving']);
    expect(await page.getByLabel('Seed').inputValue()).toBe('0');
    expect(await page.getByLabel('Records per state').inputValue()).toBe('1000');
    await visible(page.getByText('users and purchases to produce (products: a tenth)'));
    await visible(page.getByText('the same seed gives the same rows'));
    expect(await isRequired(count)).toBe(true);
    await dash.screenshot(page, 'new-source-faker-form');

    await page.getByLabel('Name').fill('shop-faker');
    await count.fill('-5');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await errorAt(count)).toBe('Must be at least 0');
    await page.getByLabel('Records per state').fill('2.5');
    expect(await errorAt(page.getByLabel('Records per state'))).toBe('Must be a whole number');
    await count.fill('');
    expect(await errorAt(count)).toBe('Required');
    await dash.screenshot(page, 'new-source-faker-invalid');
    expect((await dash.call('GET', '/sources/shop-faker')).status).toBe(404);

    await count.fill('40');
    await page.getByLabel('Records per state').fill('10');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Test' }).click();
    const tested = page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' });
    await visible(tested.getByText('Not saved yet: press Save to keep this source.'));
    await dash.screenshot(page, 'source-after-test');
    expect((await dash.call('GET', '/sources/shop-faker')).status).toBe(404);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'shop-faker' }).waitFor();
    await visible(page.getByRole('status').getByText('Saved; the check SUCCEEDED'));

    await page.getByRole('link', { name: 'Sources' }).first().click();
    const row = page.getByRole('row', { name: /shop-faker/ });
    await visible(row.getByText('source-faker'));
    const saved = await dash.call('GET', '/sources/shop-faker');
    expect(saved.body.config).toEqual({ count: 40, seed: 0, records_per_state: 10 });
  });

  it('adds a destination whose Test succeeds, and shows the connector’s own message when a Test fails', async () => {
    dash.expectRefusals(422);
    const page = await dash.open('/destinations/new');
    await page.getByLabel('Search connectors').fill('json');
    await page.getByRole('button', { name: /destination-local-json/ }).click();
    const path = page.getByLabel('Destination path');
    await visible(path);
    await visible(page.getByText('directory that receives <stream>.jsonl files'));
    await page.getByLabel('Name').fill('unwritable-files');
    // A directory inside a regular file cannot be created, whoever runs the server.
    await path.fill('/dev/null/out');
    await page.getByRole('button', { name: 'Test' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'Check FAILED' });
    await visible(failed.getByText(/cannot create \/dev\/null\/out: ENOTDIR/));
    // What to do next, in the dashboard's terms (the API's hint speaks of ?check=false and --no-check).
    await visible(failed.getByText('Fix the configuration and press Test again.'));
    expect(await failed.innerText()).not.toContain('check=false');
    await dash.screenshot(page, 'new-destination-test-failed');
    expect((await dash.call('GET', '/destinations/unwritable-files')).status).toBe(404);

    await page.getByLabel('Name').fill('files');
    await path.fill(join(dash.ws.dir, 'out'));
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').getByText('Check SUCCEEDED'));
    expect((await dash.call('GET', '/destinations/files')).status).toBe(404);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'files' }).waitFor();
    await page.getByRole('link', { name: 'Destinations' }).first().click();
    await visible(page.getByRole('row', { name: /files/ }).getByText('destination-local-json'));
    expect((await dash.call('GET', '/destinations/files')).body.config).toEqual({ destination_path: join(dash.ws.dir, 'out') });
  });

  it('saves a custom connector’s oneOf choice, nested object, array, enum and boolean, and keeps its secrets out of the page', async () => {
    dash.expectRefusals(422);
    const page = await dash.open('/sources/new');
    await page.getByLabel('Connector reference').fill(fixture('every-field-kind.mjs'));
    await page.getByRole('button', { name: 'Use this connector' }).click();
    const key = page.getByLabel('API key');
    await visible(key);
    expect(await key.getAttribute('type')).toBe('password');
    expect(await fieldLabels(page)).toEqual([
      'Name', 'API key', 'Region', 'Include archived items', 'Page size', 'Timeout in seconds', 'Tunnel', 'Skip the connection check when saving',
    ]);
    await visible(page.getByRole('group', { name: 'Tags' }).getByText('only items with one of these tags'));
    await visible(page.getByRole('group', { name: 'Limits' }).getByLabel('Page size'));
    expect(await isRequired(key)).toBe(true);
    expect(await isRequired(page.getByLabel('Region'))).toBe(true);
    expect(await chosen(page.getByLabel('Region'))).toBe('eu');
    expect(await page.getByLabel('Include archived items').isChecked()).toBe(false);
    expect(await page.getByLabel('Page size').inputValue()).toBe('100');

    await page.getByLabel('Name').fill('shop-api');
    await key.fill(FIRST_KEY);
    await page.getByLabel('Region').selectOption('us');
    await page.getByLabel('Include archived items').check();
    await page.getByRole('button', { name: 'Add item' }).click();
    await page.getByRole('group', { name: 'Tags' }).getByLabel('Item 1', { exact: true }).fill('retail');
    await page.getByLabel('Timeout in seconds').fill('2.5');
    await page.getByLabel('Tunnel').selectOption('SSH tunnel');
    // Fields of the chosen option and of a nested object are checked at their place, before anything is sent.
    await page.getByLabel('Page size').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await errorAt(page.getByLabel('SSH host'))).toBe('Required');
    expect(await errorAt(page.getByLabel('Page size'))).toBe('Must be at least 1');
    // Only the fields at fault: no vaguer error over the whole option as well.
    expect(await page.locator('form.actor-editor [role="alert"]').allInnerTexts()).toEqual(['Must be at least 1', 'Required', 'Required']);
    await dash.screenshot(page, 'new-source-every-field-kind-invalid');
    expect((await dash.call('GET', '/sources/shop-api')).status).toBe(404);
    await page.getByLabel('Page size').fill('100');
    await page.getByLabel('SSH host').fill('bastion.internal');
    expect(await page.getByLabel('SSH port').inputValue()).toBe('22');
    await page.getByLabel('SSH user').fill('sluice');
    const sshPassword = page.getByLabel('SSH password');
    expect(await sshPassword.getAttribute('type')).toBe('password');
    await sshPassword.fill(SSH_PASSWORD);
    // The chosen option's name is the selector's: not repeated as a heading over its fields.
    expect(await page.locator('form.actor-editor legend').allInnerTexts()).toEqual(['Every field kind', 'Tags', 'Limits']);
    expect(await isRequired(page.getByLabel('Item 1', { exact: true }))).toBe(false);
    await dash.screenshot(page, 'new-source-every-field-kind');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('status').getByText('Saved; the check SUCCEEDED'));

    const saved = (await dash.call('GET', '/sources/shop-api')).body;
    expect(saved.config).toEqual({
      api_key: '**********',
      region: 'us',
      include_archived: true,
      tags: ['retail'],
      limits: { page_size: 100, timeout_seconds: 2.5 },
      tunnel: { method: 'SSH', host: 'bastion.internal', port: 22, user: 'sluice', password: '**********' },
    });
    expect(await page.content()).not.toContain(FIRST_KEY);
    expect(await page.content()).not.toContain(SSH_PASSWORD);

    // Reopened: the stored secrets show as empty password inputs that say they are stored.
    await page.reload();
    const storedKey = page.getByLabel('API key');
    await visible(storedKey);
    expect(await storedKey.getAttribute('type')).toBe('password');
    expect(await storedKey.inputValue()).toBe('');
    expect(await storedKey.getAttribute('placeholder')).toBe('stored — leave empty to keep');
    expect(await page.getByLabel('SSH password').getAttribute('placeholder')).toBe('stored — leave empty to keep');
    expect(await chosen(page.getByLabel('Tunnel'))).toBe('SSH tunnel');
    expect(await page.getByLabel('SSH host').inputValue()).toBe('bastion.internal');
    expect(await chosen(page.getByLabel('Region'))).toBe('us');
    const html = await page.content();
    expect(html).not.toContain(FIRST_KEY);
    expect(html).not.toContain(SSH_PASSWORD);
    await dash.screenshot(page, 'edit-source-every-field-kind');

    // Another field changed: the stored key is kept, as the check with the saved config shows.
    await page.getByLabel('Region').selectOption('ap');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('status').getByText('Saved'));
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' }).getByText(FIRST_KEY_FINGERPRINT));
    const kept = (await dash.call('GET', '/sources/shop-api')).body.config;
    expect([kept.region, kept.api_key, kept.tunnel.password]).toEqual(['ap', '**********', '**********']);

    // Tested before saving: the key typed is the one checked, and nothing is saved.
    await page.getByLabel('API key').fill('bad-key');
    await page.getByRole('button', { name: 'Test' }).click();
    const untested = page.getByRole('alert').filter({ hasText: 'Check FAILED' });
    await visible(untested.getByText('the API key is not accepted'));
    await visible(untested.getByText('Tested with your unsaved changes, which are not saved.'));
    await page.getByLabel('API key').fill('');
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' }).getByText(FIRST_KEY_FINGERPRINT));

    // Replaced: the new key is the one used.
    await page.getByLabel('API key').fill(SECOND_KEY);
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('status').getByText('Saved'));
    expect(await page.getByLabel('API key').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' }).getByText(SECOND_KEY_FINGERPRINT));
    expect(await page.content()).not.toContain(SECOND_KEY);

    // A key the connector refuses: its own message, and the stored one stays.
    await page.getByLabel('API key').fill('bad-key');
    await page.getByRole('button', { name: 'Save' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Check FAILED: the changes were not saved' });
    await visible(refused.getByText(/the API key is not accepted/));
    await visible(refused.getByText('Fix the configuration and save again.'));
    expect(await refused.innerText()).not.toContain('check=false');
    await page.getByLabel('API key').fill('');
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' }).getByText(SECOND_KEY_FINGERPRINT));

    // Another option chosen: its fields replace the old option's, whose stored secret goes with them.
    await page.getByLabel('Tunnel').selectOption('No tunnel');
    await page.getByLabel('SSH host').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('status').getByText('Saved'));
    const untunnelled = (await dash.call('GET', '/sources/shop-api')).body.config;
    expect([untunnelled.tunnel, untunnelled.api_key]).toEqual([{ method: 'NONE' }, '**********']);
    await page.getByRole('button', { name: 'Test' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Check SUCCEEDED' }).getByText(SECOND_KEY_FINGERPRINT));
  });

  it('refuses to delete a source a connection uses, saying why, and deletes an unused one after a confirmation', async () => {
    const created = [
      await dash.call('POST', '/sources', { name: 'in-use', connector: 'source-faker', config: { count: 5 } }),
      await dash.call('POST', '/sources', { name: 'spare', connector: 'source-faker', config: { count: 5 } }),
      await dash.call('POST', '/destinations', { name: 'sink', connector: 'destination-dev-null', config: {} }),
      await dash.call('POST', '/connections', { name: 'in-use-to-sink', source: 'in-use', destination: 'sink', streams: ['users'] }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201, 201]);

    dash.expectRefusals(409);
    const page = await dash.open('/sources/in-use');
    await page.getByRole('heading', { name: 'in-use' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete source in-use?' });
    await visible(dialog.getByText('Its configuration, stored secrets included, is removed. This cannot be undone.'));
    await dialog.getByRole('button', { name: 'Confirm deletion' }).click();
    const refusal = dialog.getByRole('alert');
    await visible(refusal.getByText('Could not delete in-use'));
    expect(await refusal.innerText()).toContain('source in-use is used by connection(s) in-use-to-sink');
    expect(await refusal.innerText()).toContain('delete those connections first');
    await dash.screenshot(page, 'delete-source-in-use');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await dash.call('GET', '/sources/in-use')).status).toBe(200);

    await page.goto(`${dash.server.url}/sources/spare`);
    await page.getByRole('heading', { name: 'spare' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete source spare?' }).getByRole('button', { name: 'Confirm deletion' }).click();
    await visible(page.getByRole('status').getByText('Deleted source spare'));
    await page.getByRole('heading', { name: 'Sources' }).waitFor();
    await visible(page.getByRole('row', { name: /in-use/ }));
    expect(await page.getByRole('row', { name: /spare/ }).count()).toBe(0);
    expect((await dash.call('GET', '/sources/spare')).status).toBe(404);
  });
});

async function visible(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible' });
}

/** The labels of the form's visible inputs, in the order a person reads them (a label's own words, not a select's options). */
async function fieldLabels(page: Page): Promise<string[]> {
  return page.locator('form.actor-editor').locator('input:visible, select:visible, textarea:visible').evaluateAll((fields) =>
    fields.map((field) => {
      const label = (field as HTMLInputElement).labels?.[0];
      const ownText = label ? [...label.childNodes].filter((node) => !(node instanceof HTMLSelectElement)).map((node) => node.textContent).join('') : '';
      return ownText.trim() || `(unlabelled ${field.id})`;
    }));
}

/** The option a select shows as chosen, as the person reads it. */
async function chosen(select: Locator): Promise<string> {
  return select.evaluate((element) => (element as HTMLSelectElement).selectedOptions[0]?.text ?? '');
}

async function isRequired(field: Locator): Promise<boolean> {
  return field.evaluate((element) => (element as HTMLInputElement).labels?.[0]?.classList.contains('required') ?? false);
}

/** The error shown under a field, in the field's own group (what a person reads next to it). */
async function errorAt(field: Locator): Promise<string> {
  const id = await field.getAttribute('id');
  const error = field.page().locator(`[id="${id}__error"][role="alert"]`);
  await visible(error);
  const inGroup = await field.evaluate((element) => element.closest('.form-group')?.querySelector(':scope > [role="alert"]')?.id);
  expect(inGroup).toBe(`${id}__error`);
  return error.innerText();
}
