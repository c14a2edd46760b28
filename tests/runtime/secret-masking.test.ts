// Secrets never show, not even in part: a secret across the cut of a long connector line, and a secret a
// connector rotates with a CONTROL message (a refreshed OAuth token), which is also kept (in the config file, or
// encrypted in the workspace) so that the next sync gets it.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';
import { rows, workspace } from '../support/workspace.js';
import pg from 'pg';
import { openStore } from '../../control/store/open-store.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();

const token = 'Tq8VzKw3Jx5Rm7Yb';
const rotated = `N${[...token].reverse().join('')}`;
const rotating = fixture('rotates-secret.mjs');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Every 6-character piece of each secret that appears in `text`. */
function leakedParts(text: string): string[] {
  const leaks: string[] = [];
  for (const secret of [token, rotated]) {
    for (let at = 0; at + 6 <= secret.length; at++) if (text.includes(secret.slice(at, at + 6))) leaks.push(secret.slice(at, at + 6));
  }
  return leaks;
}

function expectNoLeak(outputs: Record<string, string>): void {
  for (const [where, text] of Object.entries(outputs)) expect(leakedParts(text), `${where}: ${text.split("\n").find((line) => leakedParts(line).length > 0)?.slice(-600)}`).toEqual([]);
}

describe('secrets in long lines and rotated secrets', { timeout: 60_000 }, () => {
  it('sluice sync masks both tokens everywhere, writes the rotated one to the config file, and the next sync uses it', async () => {
    const dir = tempDir();
    const config = jsonFile(dir, 'source.json', { token });
    const out = join(dir, 'out');
    const args = ['sync', '--source', rotating, '--source-config', config, '--destination', 'destination-local-json', '--destination-config', jsonFile(dir, 'd.json', { destination_path: out }), '--state', join(dir, 'state.json'), '--log-level', 'debug', '--json'];
    const first = await sluice(args);
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toContain('**********');
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ token: rotated, rotated: true });
    const second = await sluice(args);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(rows(out, 'items')).toEqual([{ id: 1, token_sha256: sha256(rotated) }]);
    expectNoLeak({ 'first stdout': first.stdout, 'first stderr': first.stderr, 'second stdout': second.stdout, 'second stderr': second.stderr, state: readFileSync(join(dir, 'state.json'), 'utf8') });
  });
});

/** The stored connection flow, on SQLite or PostgreSQL; `plaintext` reads everything the database holds. */
function storedRotation(label: string, env: () => Record<string, string>, plaintext: (home: string) => Promise<Record<string, string>>): void {
  it(`a stored connection keeps the rotated token encrypted, masks both everywhere, and its next job gets the new one (${label})`, async () => {
    const ws = workspace(env());
    const home = ws.env['SLUICE_HOME']!;
    const out = join(home, 'out');
    expect((await ws.run(['source', 'create', 'oauth', '--connector', rotating, '--config-json', JSON.stringify({ token })])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
    const created = await ws.run(['connection', 'create', 'oauth-to-files', '--source', 'oauth', '--destination', 'files']);
    expect(created.exitCode, created.stderr).toBe(0);
    const first = await ws.run(['sync', 'oauth-to-files', '--log-level', 'debug', '--json']);
    expect(first.exitCode).not.toBe(0);
    const second = await ws.run(['sync', 'oauth-to-files', '--log-level', 'debug', '--json']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(rows(out, 'items')).toEqual([{ id: 1, token_sha256: sha256(rotated) }]);

    const store = await openStore({ workspace: home, env: { ...process.env, ...ws.env } });
    expect((await store.actors.find('source', 'oauth'))!.config).toEqual({ token: rotated, rotated: true });
    await store.close();
    const outputs: Record<string, string> = {
      'first stdout': first.stdout, 'first stderr': first.stderr, 'second stdout': second.stdout, 'second stderr': second.stderr,
      logs: (await ws.run(['logs', '1'])).stdout,
      jobs: (await ws.run(['jobs', '--json'])).stdout,
      show: (await ws.run(['source', 'show', 'oauth'])).stdout,
      ...(await plaintext(home)),
    };
    expect(existsSync(join(home, 'logs'))).toBe(false);
    expect(outputs['logs']).toContain('refreshed the token: now using **********');
    expectNoLeak(outputs);
  });
}

describe('a rotated token in the workspace', { timeout: 60_000 }, () => {
  storedRotation('SQLite', () => ({}), async (home) => {
    const files: Record<string, string> = {};
    for (const file of ['sluice.db', 'sluice.db-wal']) if (existsSync(join(home, file))) files[file] = readFileSync(join(home, file), 'latin1');
    expect(Object.keys(files)).toContain('sluice.db');
    return files;
  });
});

describe('a destination that rotates its token', { timeout: 60_000 }, () => {
  it('has the rotated token kept encrypted in the workspace and masked in the log, and gets it at the next job', async () => {
    const ws = workspace();
    const home = ws.env['SLUICE_HOME']!;
    expect((await ws.run(['source', 'create', 'count', '--connector', fixture('counter-source.mjs'), '--config-json', JSON.stringify({ count: 3 })])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'oauth', '--connector', rotating, '--config-json', JSON.stringify({ token })])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'create', 'count-to-oauth', '--source', 'count', '--destination', 'oauth'])).exitCode).toBe(0);
    const first = await ws.run(['sync', 'count-to-oauth', '--log-level', 'debug', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await ws.run(['sync', 'count-to-oauth', '--log-level', 'debug', '--json']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect((await ws.run(['logs', '2'])).stdout).toContain(`writing with the token whose sha256 is ${sha256(rotated)}`);
    const store = await openStore({ workspace: home, env: { ...process.env, ...ws.env } });
    expect((await store.actors.find('destination', 'oauth'))!.config).toEqual({ token: rotated, rotated: true });
    await store.close();
    const outputs: Record<string, string> = { 'first stderr': first.stderr, 'second stderr': second.stderr, logs: (await ws.run(['logs', '1'])).stdout };
    for (const file of ['sluice.db', 'sluice.db-wal']) if (existsSync(join(home, file))) outputs[file] = readFileSync(join(home, file), 'latin1');
    expect(existsSync(join(home, 'logs'))).toBe(false);
    expect(outputs['logs']).toContain('refreshed the token: now using **********');
    expectNoLeak(outputs);
  });
});

describe.runIf(!postgresMissing)('a rotated token in a PostgreSQL workspace', { timeout: 60_000 }, () => {
  const url = useFreshDatabase();
  storedRotation('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 4).toString('base64') }), async () => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      const tables = (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'sluice'")).rows.map((row) => row.table_name as string);
      expect(tables).toContain('actors');
      const dump: Record<string, string> = {};
      for (const table of tables) dump[`table ${table}`] = (await client.query(`SELECT row_to_json(t)::text AS row FROM sluice.${table} t`)).rows.map((row) => row.row).join('\n');
      return dump;
    } finally {
      await client.end();
    }
  });
});

describe('sluice read of a connector that rotates its token', { timeout: 30_000 }, () => {
  it('prints the CONTROL message as the protocol output it is, and masks both tokens in every other line and the log', async () => {
    const dir = tempDir();
    const catalog = jsonFile(dir, 'catalog.json', { streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] });
    const read = await sluice(['read', rotating, '--config', jsonFile(dir, 'c.json', { token }), '--catalog', catalog, '--log-level', 'debug']);
    expect(read.exitCode).toBe(1);
    const lines = read.stdout.split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).type)).toEqual(['CONTROL', 'LOG', 'TRACE']);
    expect(JSON.parse(lines[1]!).log.message).toBe('refreshed the token: now using **********');
    expectNoLeak({ 'stdout after CONTROL': lines.slice(1).join('\n'), stderr: read.stderr });
  });
});
