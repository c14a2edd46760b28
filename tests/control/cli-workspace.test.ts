// The control plane's CLI end to end, as real subprocesses: sources, destinations and connections kept in a
// workspace, `sluice sync <connection>` with stored state, job history and logs, state reset, secrets masked.
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { openStore } from '../../control/store/open-store.js';

const postgresMissing = await postgresAvailability();

async function defineFakerConnection(ws: Workspace, count = 60): Promise<string> {
  const out = join(ws.dir, 'out');
  expect((await ws.run(['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', JSON.stringify({ count, records_per_state: 20 })])).stdout).toBe(
    'created source faker (source-faker)',
  );
  expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
  const created = await ws.run(['connection', 'create', 'faker-to-files', '--source', 'faker', '--destination', 'files', '--streams', 'users,purchases']);
  expect(created.stdout).toBe('created connection faker-to-files: 2 stream(s), schedule manual');
  return out;
}

function syncedFlow(label: string, env: () => Record<string, string>): void {
  it(`syncs a stored connection incrementally from its stored state, and records each job (${label})`, async () => {
    const ws = workspace(env());
    const out = await defineFakerConnection(ws);
    const first = await ws.json(['sync', 'faker-to-files', '--log-level', 'warn']);
    expect(first).toMatchObject({ status: 'succeeded', recordsCommitted: 120, job: 1, connection: 'faker-to-files', stateFile: 'connection faker-to-files' });
    const second = await ws.json(['sync', 'faker-to-files', '--log-level', 'warn']);
    expect(second).toMatchObject({ status: 'succeeded', recordsEmitted: 0, job: 2 });
    expect(rows(out, 'users')).toHaveLength(60);

    const state = JSON.parse((await ws.run(['state', 'show', 'faker-to-files'])).stdout);
    expect(state.map((message: any) => message.stream.stream_descriptor.name)).toEqual(['users', 'purchases']);

    const jobs = await ws.json(['jobs', 'faker-to-files']);
    expect(jobs.map((job: any) => [job.id, job.status, job.trigger, job.recordsCommitted, job.attempts, job.attemptHistory.length])).toEqual([
      [2, 'succeeded', 'manual', 0, 1, 1],
      [1, 'succeeded', 'manual', 120, 1, 1],
    ]);
    const table = await ws.run(['jobs']);
    expect(table.stdout.split('\n')[0]).toMatch(/^JOB\s+CONNECTION\s+STATUS\s+TRIGGER\s+STARTED\s+DURATION\s+ATTEMPTS\s+RECORDS\s+FAILURE$/);

    const logs = await ws.run(['logs', '1']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/INFO  job 1 started for connection faker-to-files/);
    expect(logs.stdout).toMatch(/INFO  sync source-faker → destination-local-json/);
    expect(logs.stdout).toMatch(/INFO  job 1 succeeded/);
  });
}

describe.concurrent('sluice sync <connection> on SQLite', { timeout: 150_000 }, () => {
  syncedFlow('SQLite', () => ({}));

  it('resets one stream after confirmation, and the next sync reads it from the start', async () => {
    const ws = workspace();
    const out = await defineFakerConnection(ws, 40);
    expect((await ws.run(['sync', 'faker-to-files'])).exitCode).toBe(0);
    const refused = await ws.run(['state', 'reset', 'faker-to-files', '--stream', 'users']);
    expect(refused.exitCode).toBe(2);
    expect(errorLine(refused.stderr)).toBe(
      'sluice: cli.confirmation_required: reset the state of stream users of connection faker-to-files? The next sync reads it from the start. (no terminal to ask on) (pass --yes to confirm)',
    );
    const reset = await ws.run(['state', 'reset', 'faker-to-files', '--stream', 'users', '--yes']);
    expect(reset.stdout).toBe('reset stream users');
    const again = await ws.json(['sync', 'faker-to-files']);
    expect(again.streams.map((stream: any) => [stream.stream, stream.recordsCommitted])).toEqual([
      ['users', 40],
      ['purchases', 0],
    ]);
    expect(rows(out, 'users')).toHaveLength(40);
  });

  it('lands streams under the connection\'s prefix and namespace, keeping the source\'s names in the state', async () => {
    const ws = workspace();
    const out = await defineFakerConnection(ws, 25);
    expect((await ws.run(['connection', 'update', 'faker-to-files', '--prefix', 'faker_', '--namespace', 'raw'])).exitCode).toBe(0);
    const first = await ws.json(['sync', 'faker-to-files']);
    expect(first).toMatchObject({ status: 'succeeded', recordsCommitted: 50 });
    expect(rows(out, 'raw__faker_users')).toHaveLength(25);
    expect(rows(out, 'raw__faker_purchases')).toHaveLength(25);
    expect(rows(out, 'users')).toEqual([]);
    const state = JSON.parse((await ws.run(['state', 'show', 'faker-to-files'])).stdout);
    expect(state.map((message: any) => message.stream.stream_descriptor)).toEqual([{ name: 'users' }, { name: 'purchases' }]);
    expect((await ws.json(['sync', 'faker-to-files'])).recordsEmitted).toBe(0);
  });

  it('names what is missing or in the way, in one line', async () => {
    const ws = workspace();
    await defineFakerConnection(ws, 5);
    const missing = await ws.run(['sync', 'nope']);
    expect(missing.exitCode).toBe(2);
    expect(errorLine(missing.stderr)).toBe('sluice: connection.not_found: no connection named nope (see: sluice connection list)');
    const used = await ws.run(['source', 'delete', 'faker']);
    expect(errorLine(used.stderr)).toBe('sluice: actor.in_use: source faker is used by connection(s) faker-to-files (delete those connections first)');
    const mixed = await ws.run(['sync', 'faker-to-files', '--state', 'x.json']);
    expect(errorLine(mixed.stderr)).toBe(
      'sluice: cli.usage: sluice sync faker-to-files: --state does not apply to a stored connection (change the connection instead: sluice connection update faker-to-files)',
    );
    const neither = await ws.run(['sync']);
    expect(errorLine(neither.stderr)).toBe("sluice: cli.usage: required option '--source <connector>' not specified (or name a connection: sluice sync <connection>)");
    const badConfig = await ws.run(['source', 'create', 'bad', '--connector', 'source-faker', '--config-json', '{"count":"many"}']);
    expect(badConfig.exitCode).toBe(2);
    expect(errorLine(badConfig.stderr)).toMatch(/^sluice: config\.invalid: source bad config/);
    const badSchedule = await ws.run(['connection', 'update', 'faker-to-files', '--schedule', 'sometimes']);
    expect(errorLine(badSchedule.stderr)).toMatch(/^sluice: schedule\.invalid: schedule "sometimes": /);
  });

  it('changes one stream\'s settings by merging them into what is stored: the cursor, the key and the other streams stay', async () => {
    const ws = workspace();
    await defineFakerConnection(ws, 5);
    const keyed = await ws.json(['connection', 'update', 'faker-to-files', '--cursor', 'users=created_at', '--primary-key', 'users=email']);
    expect(keyed.streams.map((stream: any) => stream.name)).toEqual(['users', 'purchases']);
    const updated = await ws.json(['connection', 'update', 'faker-to-files', '--mode', 'users=incremental:append']);
    expect(updated.streams).toEqual([
      { name: 'users', syncMode: 'incremental', destinationSyncMode: 'append', cursorField: ['created_at'], primaryKey: [['email']], fields: ['id', 'name', 'email', 'age', 'created_at', 'updated_at'] },
      { name: 'purchases', syncMode: 'incremental', destinationSyncMode: 'append_dedup', cursorField: ['updated_at'], primaryKey: [['id']], fields: ['id', 'user_id', 'product_id', 'quantity', 'purchased_at', 'updated_at'] },
    ]);
    // A sync mode alone takes that mode's default destination mode; the cursor and key are kept.
    const full = await ws.json(['connection', 'update', 'faker-to-files', '--mode', 'users=full_refresh']);
    expect(full.streams[0]).toMatchObject({ name: 'users', syncMode: 'full_refresh', destinationSyncMode: 'overwrite', cursorField: ['created_at'], primaryKey: [['email']] });
    const chosen = await ws.json(['connection', 'update', 'faker-to-files', '--streams', 'users,products']);
    expect(chosen.streams.map((stream: any) => [stream.name, stream.syncMode, stream.primaryKey])).toEqual([
      ['users', 'full_refresh', [['email']]],
      ['products', 'incremental', [['id']]],
    ]);
  });

  it('updates, disables, enables and deletes connections and actors', async () => {
    const ws = workspace();
    await defineFakerConnection(ws, 5);
    const updated = await ws.json(['connection', 'update', 'faker-to-files', '--schedule', 'every 15m', '--schema-change', 'propagate', '--streams', 'users']);
    expect(updated).toMatchObject({ schedule: 'every 15m', schemaChangePolicy: 'propagate', status: 'active' });
    expect(updated.streams.map((stream: any) => stream.name)).toEqual(['users']);
    expect((await ws.run(['connection', 'disable', 'faker-to-files'])).stdout).toBe('disabled connection faker-to-files');
    expect((await ws.json(['connection', 'list'])).map((c: any) => [c.name, c.status])).toEqual([['faker-to-files', 'inactive']]);
    expect((await ws.run(['connection', 'enable', 'faker-to-files'])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'delete', 'faker-to-files'])).stdout).toBe('deleted connection faker-to-files');
    expect((await ws.run(['source', 'delete', 'faker'])).stdout).toBe('deleted source faker');
    expect(await ws.json(['source', 'list'])).toEqual([]);
  });
});

describe('secrets in the workspace', () => {
  it('are masked in show, list and check, encrypted in the database file, and kept when an update sends the mask back', async () => {
    const ws = workspace();
    const secret = 'hunter2-topsecret';
    const connector = fixture('leaks-secret.mjs');
    const created = await ws.run(['source', 'create', 'leaky', '--connector', connector, '--no-check', '--config-json', JSON.stringify({ user: 'ann', password: secret })]);
    expect(created.exitCode).toBe(0);
    const shown = await ws.json(['source', 'show', 'leaky']).catch(async () => JSON.parse((await ws.run(['source', 'show', 'leaky'])).stdout));
    expect(shown.config).toEqual({ user: 'ann', password: '**********' });
    const list = await ws.run(['source', 'list', '--json']);
    const check = await ws.run(['source', 'check', 'leaky']);
    expect(check.stdout).toBe('FAILED: wrong password **********');
    const update = await ws.run(['source', 'update', 'leaky', '--no-check', '--config-json', JSON.stringify({ user: 'bob', password: '**********' })]);
    expect(update.stdout).toBe('updated source leaky');
    for (const output of [created.stdout, created.stderr, list.stdout, check.stdout, check.stderr, update.stdout, update.stderr]) expect(output).not.toContain(secret);
    const home = ws.env['SLUICE_HOME']!;
    const dbFiles = readdirSync(home).filter((file) => file.startsWith('sluice.db'));
    expect(dbFiles).toContain('sluice.db');
    expect(dbFiles.filter((file) => readFileSync(join(home, file)).includes(secret))).toEqual([]);
    const store = await openStore({ workspace: ws.env['SLUICE_HOME'] });
    expect((await store.actors.find('source', 'leaky'))!.config).toEqual({ user: 'bob', password: secret });
    await store.close();
  });

  it('are masked in job logs, on the terminal and in the stored log, when a connector prints them', async () => {
    const ws = workspace();
    const secret = 'hunter2-in-the-logs';
    const out = join(ws.env['SLUICE_HOME']!, 'out');
    expect((await ws.run(['source', 'create', 'leaky', '--connector', fixture('leaks-secret.mjs'), '--no-check', '--config-json', JSON.stringify({ user: 'ann', password: secret })])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
    const catalog = join(ws.env['SLUICE_HOME']!, 'catalog.json');
    writeFileSync(catalog, JSON.stringify({ streams: [{ stream: { name: 'things', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }));
    const created = await ws.run(['connection', 'create', 'leaky-to-files', '--source', 'leaky', '--destination', 'files', '--catalog', catalog]);
    expect(created.exitCode, created.stderr).toBe(0);
    const sync = await ws.run(['sync', 'leaky-to-files', '--log-level', 'debug']);
    expect(sync.exitCode).not.toBe(0);
    const logs = await ws.run(['logs', '1']);
    expect(logs.stdout).toContain('**********');
    for (const output of [sync.stdout, sync.stderr, logs.stdout, logs.stderr]) expect(output).not.toContain(secret);
    // What the store holds of the log, read past the CLI: masked too, and no log file.
    const store = await openStore({ workspace: ws.env['SLUICE_HOME'] });
    const stored = (await store.jobLogs.readFrom(1)).map((chunk) => chunk.text).join('');
    await store.close();
    expect(stored).toContain('**********');
    expect(stored).not.toContain(secret);
    expect(existsSync(join(ws.env['SLUICE_HOME']!, 'logs'))).toBe(false);
  });
});

describe.runIf(!postgresMissing)('sluice sync <connection> on PostgreSQL', () => {
  const url = useFreshDatabase();
  syncedFlow('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 5).toString('base64') }));
});
