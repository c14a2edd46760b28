// `sluice sync --mappers FILE` into destination-postgres (local processes, a fresh database): hash and rename give a
// typed table with the renamed column and the hashed column as text and no column under the old name; equal emails
// (source-file reads a CSV that repeats them) hash equal, each to sha256(salt + value); `target: new` writes
// `email_hashed` beside the original column.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonFile, sluice, tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();

const SALT = 'pg-salt-7';
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Six people, three distinct emails: ann and cy appear twice. */
const PEOPLE = [
  [1, 'Ann Lee', 'ann@example.com'],
  [2, 'Bo Ng', 'bo@example.com'],
  [3, 'Ann Other', 'ann@example.com'],
  [4, 'Cy Roe', 'cy@example.org'],
  [5, 'Cy Twin', 'cy@example.org'],
  [6, 'Dee Poe', 'dee@example.net'],
] as const;

describe.runIf(!postgresMissing)('mappers into destination-postgres', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-mappers-pg-');
  const csv = join(dir, 'people.csv');
  writeFileSync(csv, ['id,name,email', ...PEOPLE.map((row) => row.join(','))].join('\n') + '\n');
  const sql = <T extends Record<string, any>>(text: string) => sqlOn<T>(url(), text);
  const columnsOf = (schema: string) => sql<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'people' ORDER BY ordinal_position`,
  );

  async function syncInto(schema: string, steps: object[]) {
    const result = await sluice([
      'sync', '--json',
      '--source', 'source-file', '--source-config', jsonFile(dir, `${schema}-source.json`, { path: csv }),
      '--destination', 'destination-postgres', '--destination-config', jsonFile(dir, `${schema}-destination.json`, destinationConfig(url(), schema)),
      '--mappers', jsonFile(dir, `${schema}-mappers.json`, { people: { steps } }),
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(SALT);
    return JSON.parse(result.stdout);
  }

  it('hash and rename: the renamed column and the hashed text column, no column for the old name, equal emails hash equal', async () => {
    const summary = await syncInto('hashed', [
      { type: 'hash', field: 'email', algorithm: 'sha256', salt: SALT },
      { type: 'rename', field: 'name', to: 'full_name' },
    ]);
    expect(summary).toMatchObject({ status: 'succeeded', recordsEmitted: 6, recordsWritten: 6, recordsFiltered: 0, warnings: [] });
    const columns = await columnsOf('hashed');
    const names = columns.map((column) => column.name);
    expect(names).toEqual(expect.arrayContaining(['id', 'full_name', 'email']));
    expect(names).not.toContain('name');
    expect(columns.find((column) => column.name === 'email')?.type).toBe('text');
    const rows = await sql<{ id: number; full_name: string; email: string }>('SELECT id::int AS id, full_name, email FROM hashed.people ORDER BY id');
    expect(rows).toEqual(PEOPLE.map(([id, name, email]) => ({ id, full_name: name, email: sha256(SALT + email) })));
    expect(rows[0]!.email).toBe(rows[2]!.email);
    expect(rows[3]!.email).toBe(rows[4]!.email);
    expect(new Set(rows.map((row) => row.email)).size).toBe(4);
  });

  it('target new: email_hashed beside the original email column', async () => {
    await syncInto('beside', [{ type: 'hash', field: 'email', salt: SALT, target: 'new' }]);
    const columns = await columnsOf('beside');
    expect(columns.map((column) => column.name)).toEqual(expect.arrayContaining(['id', 'name', 'email', 'email_hashed']));
    expect(columns.find((column) => column.name === 'email_hashed')?.type).toBe('text');
    const rows = await sql<{ id: number; email: string; email_hashed: string }>('SELECT id::int AS id, email, email_hashed FROM beside.people ORDER BY id');
    expect(rows).toEqual(PEOPLE.map(([id, , email]) => ({ id, email, email_hashed: sha256(SALT + email) })));
  });
});
