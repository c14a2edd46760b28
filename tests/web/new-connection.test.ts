// Creating a connection in the dashboard as a person does, against a real `sluice serve`: pick a source and a
// destination, discover the streams, choose some with their sync modes (the cursor and primary key shown as fixed
// where the source defines them, picked from the schema where it does not), a cron schedule read back in words,
// a prefix and a schema-change policy; what cannot be saved is said before creating. The stored connection is read
// back through the API and synced with "Sync now" into a real SQLite file. Then its settings are changed on its page.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fixture } from '../support/cli.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const chromiumMissing = chromiumAvailability();

describe.runIf(!chromiumMissing)('a new connection in the dashboard', () => {
  // The source that leaves cursor and key to the person is a fixture: paths as connectors need the flag.
  const dash = useDashboard(['--allow-custom-connectors']);
  let databasePath: string;

  beforeAll(async () => {
    databasePath = join(dash.ws.dir, 'warehouse.db');
    const created = [
      await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 30, records_per_state: 10 } }),
      await dash.call('POST', '/sources', { name: 'events', connector: fixture('user-picks-keys-source.mjs'), config: {} }),
      await dash.call('POST', '/destinations', { name: 'warehouse', connector: 'destination-sqlite', config: { database_path: databasePath } }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201]);
  });

  it('creates a connection of two faker streams with a cron schedule, a prefix and a policy, and syncs it', async () => {
    const page = await dash.open('/connections/new');
    const form = page.getByRole('form', { name: 'New connection' });
    await page.getByLabel('Source', { exact: true }).selectOption({ label: 'faker (source-faker)' });
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'warehouse (destination-sqlite)' });
    expect(await page.getByLabel('Connection name').inputValue()).toBe('faker-to-warehouse');
    expect(await stillNeeded(page)).toEqual(['Discover the source’s streams and pick some.']);
    await expectDisabled(page, 'Create connection');

    await page.getByRole('button', { name: 'Discover streams' }).click();
    const streams = page.getByRole('table', { name: /streams selected/ });
    await streams.getByText('3 of 3 streams selected').waitFor({ timeout: 30_000 });
    expect(await streams.getByRole('rowheader').allInnerTexts()).toEqual(['users', 'products', 'purchases']);

    // Nothing selected: said before creating.
    await page.getByRole('checkbox', { name: 'Select all streams' }).uncheck();
    await streams.getByText('0 of 3 streams selected').waitFor();
    expect(await stillNeeded(page)).toEqual(['Select at least one stream.']);
    await expectDisabled(page, 'Create connection');
    await page.getByRole('checkbox', { name: 'Sync stream users' }).check();
    await page.getByRole('checkbox', { name: 'Sync stream products' }).check();
    await streams.getByText('2 of 3 streams selected').waitFor();

    const usersMode = page.getByRole('combobox', { name: 'Sync mode of users' });
    expect(await usersMode.locator('option').allInnerTexts()).toEqual([
      'Full refresh | Overwrite', 'Full refresh | Append', 'Full refresh | Append + dedup',
      'Incremental | Overwrite', 'Incremental | Append', 'Incremental | Append + dedup',
    ]);
    await usersMode.selectOption({ label: 'Incremental | Append + dedup' });
    await page.getByRole('combobox', { name: 'Sync mode of products' }).selectOption({ label: 'Full refresh | Append' });
    // Faker names each stream's cursor and key itself: shown as fixed, no picker.
    const users = streams.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'users', exact: true }) });
    expect(await fieldCells(users)).toEqual(['updated_at (set by the source)', 'id (set by the source)']);
    expect(await page.getByRole('combobox', { name: /Cursor field of|Primary key of/ }).count()).toBe(0);

    await page.getByRole('radio', { name: 'On a cron schedule' }).check();
    const cron = page.getByLabel('Cron expression');
    await cron.fill('30 2 * *');
    await expectVisible(form.getByRole('alert').getByText('A cron expression has 5 fields (minute hour day month weekday), or 6 with seconds first.'));
    await cron.fill('99 2 * * 1-5');
    await expectVisible(form.getByRole('alert').getByText(/^Not a valid cron expression: /));
    expect(await stillNeeded(page)).toEqual(['Fix the schedule.']);
    await expectDisabled(page, 'Create connection');
    await cron.fill('30 2 * * 1-5');
    await expectVisible(form.getByText('Runs: At 02:30, Monday through Friday (server time).'));

    await page.getByLabel('Stream prefix').fill('faker_');
    await page.getByLabel('When the source’s schema changes').selectOption('propagate');
    expect(await page.getByRole('list', { name: 'Still needed' }).count()).toBe(0);
    await dash.screenshot(page, 'new-connection-filled');
    await page.getByRole('button', { name: 'Create connection' }).click();

    await page.getByRole('heading', { name: /faker-to-warehouse/ }).waitFor();
    expect(page.url()).toMatch(/\/connections\/faker-to-warehouse$/);
    // The header says the schedule in words.
    await expectVisible(page.getByText('· At 02:30, Monday through Friday (server time).'));
    const stored = (await dash.call('GET', '/connections/faker-to-warehouse')).body;
    expect({ ...stored, streams: stored.streams.map(streamSummary) }).toMatchObject({
      source: 'faker', destination: 'warehouse', schedule: '30 2 * * 1-5', streamPrefix: 'faker_', schemaChangePolicy: 'propagate', status: 'active',
      streams: [
        { name: 'users', syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']] },
        { name: 'products', syncMode: 'full_refresh', destinationSyncMode: 'append', primaryKey: [['id']] },
      ],
    });
    await expectVisible(page.getByText('In the destination: namespace as the source says, stream names prefixed with faker_.'));
    const configured = page.getByRole('table', { name: 'Streams synced by this connection' });
    // A full refresh reads everything: no cursor is shown for it.
    expect((await configured.getByRole('row').allInnerTexts()).slice(1)).toEqual([
      'users\tIncremental | Append + dedup\tupdated_at\tid',
      'products\tFull refresh | Append\t—\tid',
    ]);

    await page.getByRole('button', { name: 'Sync now' }).click();
    const job = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row')
      .filter({ has: page.getByRole('button', { name: 'Show the log of job 1' }) });
    await job.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    // Faker makes a tenth as many products as users; purchases, not selected, has no table.
    expect(tableCounts()).toEqual({ faker_products: 3, faker_users: 30 });
  });

  it('picks the cursor and the primary key from the schema where the source names none', async () => {
    const page = await dash.open('/connections/new');
    await page.getByLabel('Source', { exact: true }).selectOption('events');
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'warehouse (destination-sqlite)' });
    await page.getByRole('button', { name: 'Discover streams' }).click();
    await page.getByText('1 of 1 streams selected').waitFor({ timeout: 30_000 });
    const events = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'events', exact: true }) });
    expect(await page.getByRole('combobox', { name: 'Sync mode of events' }).inputValue()).toBe('full_refresh:overwrite');
    expect(await fieldCells(events)).toEqual(['—', '—']);
    // Without a key, dedup is offered (the key can be picked); the pickers come with the mode that needs them.

    await page.getByRole('combobox', { name: 'Sync mode of events' }).selectOption({ label: 'Incremental | Append + dedup' });
    const cursor = page.getByRole('combobox', { name: 'Cursor field of events' });
    const key = page.getByRole('listbox', { name: 'Primary key of events' });
    // The pickers offer the stream's fields, from its discovered schema.
    expect(await cursor.locator('option').allInnerTexts()).toEqual(['Pick a field…', 'at', 'id', 'kind']);
    expect(await key.locator('option').allInnerTexts()).toEqual(['at', 'id', 'kind']);
    // Both missing choices are said at once, not one after the other.
    expect(await stillNeeded(page)).toEqual([
      'Pick a cursor field for stream events (incremental needs one).',
      'Pick a primary key for stream events (dedup needs one).',
    ]);
    await expectDisabled(page, 'Create connection');
    await cursor.selectOption('at');
    expect(await stillNeeded(page)).toEqual(['Pick a primary key for stream events (dedup needs one).']);
    await key.selectOption(['id']);
    expect(await page.getByRole('list', { name: 'Still needed' }).count()).toBe(0);
    await dash.screenshot(page, 'new-connection-pickers');
    await page.getByRole('button', { name: 'Create connection' }).click();

    await page.getByRole('heading', { name: /events-to-warehouse/ }).waitFor();
    const stored = (await dash.call('GET', '/connections/events-to-warehouse')).body;
    expect(stored.streams.map(streamSummary)).toEqual([
      { name: 'events', syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['at'], primaryKey: [['id']] },
    ]);
    expect([stored.schedule, stored.streamPrefix, stored.schemaChangePolicy]).toEqual([null, '', 'ignore']);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const job = page.getByRole('table', { name: 'Jobs of this connection, newest first' }).getByRole('row')
      .filter({ has: page.getByRole('button', { name: /Show the log of job/ }) });
    await job.getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    expect(readRows('SELECT id, kind FROM events ORDER BY id')).toEqual([{ id: 1, kind: 'signup' }, { id: 2, kind: 'login' }]);
  });

  it('changes the schedule to an interval, disables the connection and changes its policy on its page', async () => {
    const page = await dash.open('/connections/faker-to-warehouse');
    const settings = page.getByRole('form', { name: 'Connection settings' });
    await expectVisible(settings.getByText('Runs: At 02:30, Monday through Friday (server time).'));
    expect(await settings.getByLabel('Cron expression').inputValue()).toBe('30 2 * * 1-5');
    await expectDisabled(page, 'Save settings');

    await settings.getByRole('radio', { name: 'On an interval' }).check();
    await settings.getByLabel('Run every').fill('0');
    await expectVisible(settings.getByRole('alert').getByText('The interval must be a whole number above 0.'));
    await expectDisabled(page, 'Save settings');
    await settings.getByLabel('Run every').fill('15');
    await settings.getByLabel('Unit').selectOption({ label: 'minutes' });
    await expectVisible(settings.getByText('Runs: Every 15 minutes, counted from the last run.'));
    await settings.getByRole('checkbox', { name: /Enabled/ }).uncheck();
    await settings.getByLabel('When the source’s schema changes').selectOption({ label: 'Pause: disable the connection; the job fails' });
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expectVisible(settings.getByRole('status').getByText('Settings saved.'));

    const header = page.getByRole('heading', { name: /faker-to-warehouse/ });
    await expectVisible(header.getByText('disabled', { exact: true }));
    await expectVisible(page.getByText('· Every 15 minutes, counted from the last run.'));
    await expectVisible(page.getByRole('button', { name: 'Enable', exact: true }));
    const stored = (await dash.call('GET', '/connections/faker-to-warehouse')).body;
    expect([stored.schedule, stored.status, stored.schemaChangePolicy]).toEqual(['every 15m', 'inactive', 'pause']);
    await dash.screenshot(page, 'connection-settings-saved');

    await page.getByRole('link', { name: 'Connections' }).first().click();
    const row = page.getByRole('row', { name: /faker-to-warehouse/ });
    await expectVisible(row.getByText('disabled', { exact: true }));
    await dash.screenshot(page, 'overview-with-disabled-connection');
  });

  function tableCounts(): Record<string, number> {
    const tables = readRows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name");
    return Object.fromEntries(tables.map(({ name }) => [name, readRows<{ count: number }>(`SELECT count(*) AS count FROM "${name}"`)[0]!.count]));
  }

  function readRows<T = Record<string, unknown>>(sql: string): T[] {
    const db = new Database(databasePath, { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  }
});

function streamSummary(stream: Record<string, unknown>): Record<string, unknown> {
  const { name, syncMode, destinationSyncMode, cursorField, primaryKey } = stream;
  return Object.fromEntries(Object.entries({ name, syncMode, destinationSyncMode, cursorField, primaryKey }).filter(([, value]) => value !== undefined));
}

/** What a stream's row shows in its cursor and primary-key columns. */
async function fieldCells(row: Locator): Promise<string[]> {
  return (await row.getByRole('cell').allInnerTexts()).slice(2);
}

async function stillNeeded(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Still needed' }).getByRole('listitem').allInnerTexts();
}

async function expectDisabled(page: Page, button: string): Promise<void> {
  expect(await page.getByRole('button', { name: button, exact: true }).isDisabled()).toBe(true);
}

async function expectVisible(locator: { waitFor(options?: { state?: 'visible' }): Promise<void> }): Promise<void> {
  await locator.waitFor({ state: 'visible' });
}
