// source-postgres CDC (logical replication, pgoutput) into destination-postgres append_dedup: the initial snapshot,
// then inserts, updates and deletes made between syncs and while a sync runs; GLOBAL state holding the LSN; the slot
// and publication created, or a clear error when they are missing and may not be created; and the message a server
// without wal_level = logical gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonFile, jsonLines, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sourceConfig, logicalReplicationAvailability, sqlOn } from '../support/pg-connectors.js';
import { checkWalLevel } from '../../connectors/source-postgres/cdc/setup.js';

const logicalMissing = await logicalReplicationAvailability();

describe('CDC set-up messages', () => {
  it('a server without wal_level = logical gets a message saying how to fix it', async () => {
    const client = { query: async () => ({ rows: [{ wal_level: 'replica' }] }) } as never;
    expect(await checkWalLevel(client)).toBe(
      "wal_level is 'replica'; CDC needs wal_level = logical: run ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL (e.g. pg_ctlcluster 15 main restart, or scripts/postgres-logical.sh here)",
    );
  });
});

describe.runIf(!logicalMissing)('source-postgres CDC', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-cdc-');
  const sql = (text: string) => sqlOn(url(), text);
  const slot = `sluice_cdc_${process.pid}`;
  const cdc = (extra: Record<string, unknown> = {}) => ({ method: 'CDC', replication_slot: slot, publication: 'sluice_pub', ...extra });
  const source = (extra: Record<string, unknown> = {}) => jsonFile(dir, `source-${Math.random()}.json`, sourceConfig(url(), 'app', { chunk_size: 500, replication_method: cdc(), ...extra }));
  const destination = jsonFile(dir, 'destination.json', destinationConfig(url(), 'copy'));
  const statePath = join(dir, 'state.json');
  const args = () => ['sync', '--source', 'source-postgres', '--source-config', source(), '--destination', 'destination-postgres', '--destination-config', destination, '--streams', 'app.items', '--state', statePath, '--json'];
  const fingerprint = async (table: string) =>
    (await sql(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(id || ':' || name || ':' || n, ',' ORDER BY id), '')) AS hash FROM ${table}`))[0];

  beforeAll(async () => {
    await sql(`CREATE SCHEMA app;
      CREATE TABLE app.items (id int PRIMARY KEY, name text NOT NULL, n int NOT NULL);
      INSERT INTO app.items SELECT i, 'item ' || i, 0 FROM generate_series(1, 20000) AS i;`);
  });
  afterAll(async () => {
    // A database with a replication slot cannot be dropped.
    await sqlOn(url(), `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}'`).catch(() => undefined);
  });

  it('a missing publication is a clear error when it may not be created', async () => {
    const catalog = { streams: [{ stream: { name: 'items', namespace: 'app', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] };
    const result = await sluice(['read', 'source-postgres', '--config', source({ replication_method: cdc({ create_missing: false, publication: 'absent_pub' }) }), '--catalog', jsonFile(dir, 'catalog.json', catalog)]);
    expect(result.exitCode).not.toBe(0);
    const error = jsonLines(result.stdout).find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
    expect(error.message).toBe('publication absent_pub does not exist: create it with CREATE PUBLICATION "absent_pub" FOR TABLE "app"."items", or set create_missing');
  });

  it('snapshots, then sees inserts, updates and deletes made during and between syncs', async () => {
    const discovered = JSON.parse((await sluice(['discover', 'source-postgres', '--config', source(), '--json'])).stdout).streams[0];
    expect(discovered).toMatchObject({ source_defined_cursor: true, default_cursor_field: ['_ab_cdc_lsn'] });
    expect(Object.keys(discovered.json_schema.properties)).toEqual(['id', 'name', 'n', '_ab_cdc_lsn', '_ab_cdc_updated_at', '_ab_cdc_deleted_at']);

    // Changes while the first sync (snapshot, then changes) runs.
    const first = execa(process.execPath, [sluiceBin, ...args()], { reject: false });
    for (let round = 0; round < 20; round++) {
      await sql(`INSERT INTO app.items VALUES (${100000 + round}, 'during', ${round});
        UPDATE app.items SET n = n + 1, name = 'updated during' WHERE id % 997 = ${round};
        DELETE FROM app.items WHERE id = ${round * 13 + 1}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const firstResult = await first;
    expect(firstResult.exitCode, firstResult.stderr).toBe(0);
    expect(JSON.parse(firstResult.stdout)).toMatchObject({ status: 'succeeded' });
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state).toHaveLength(1);
    expect(state[0]).toMatchObject({ type: 'GLOBAL', global: { shared_state: { lsn: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/), slot, publication: 'sluice_pub' } } });
    expect(await sql(`SELECT plugin FROM pg_replication_slots WHERE slot_name = '${slot}'`)).toEqual([{ plugin: 'pgoutput' }]);

    // Changes between syncs.
    await sql(`INSERT INTO app.items VALUES (200000, 'between', 1), (200001, 'between', 2);
      UPDATE app.items SET name = 'updated between' WHERE id IN (5, 6, 200001);
      DELETE FROM app.items WHERE id IN (7, 200000);`);
    const second = await sluice(args());
    expect(second.exitCode, second.stderr).toBe(0);
    expect(await fingerprint('copy.items')).toEqual(await fingerprint('app.items'));
    const [deleted] = await sql(`SELECT count(*)::int AS n FROM copy.items WHERE id IN (7, 200000)`);
    expect(deleted).toEqual({ n: 0 });
    const [updated] = await sql(`SELECT name, _ab_cdc_lsn > 0 AS has_lsn, _ab_cdc_updated_at IS NOT NULL AS has_time FROM copy.items WHERE id = 5`);
    expect(updated).toEqual({ name: 'updated between', has_lsn: true, has_time: true });

    // Nothing new: nothing moves.
    const third = await sluice(args());
    expect(JSON.parse(third.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 0 });
  });

  it('append mode keeps each change as a row, deletes marked with _ab_cdc_deleted_at', async () => {
    const appendDestination = jsonFile(dir, 'append.json', destinationConfig(url(), 'changes'));
    const appendState = join(dir, 'append-state.json');
    const run = () => sluice(['sync', '--source', 'source-postgres', '--source-config', source({ replication_method: cdc({ replication_slot: `${slot}_append` }) }), '--destination', 'destination-postgres', '--destination-config', appendDestination, '--streams', 'app.items', '--mode', 'app.items=incremental:append', '--state', appendState, '--json']);
    try {
      expect((await run()).exitCode).toBe(0);
      await sql(`DELETE FROM app.items WHERE id = 30`);
      const result = await run();
      expect(result.exitCode, result.stderr).toBe(0);
      expect(await sql(`SELECT id, name, _ab_cdc_deleted_at IS NOT NULL AS deleted FROM changes.items WHERE id = 30 ORDER BY _ab_cdc_lsn`)).toEqual([
        { id: '30', name: 'item 30', deleted: false },
        { id: '30', name: null, deleted: true },
      ]);
    } finally {
      await sqlOn(url(), `SELECT pg_drop_replication_slot('${slot}_append')`).catch(() => undefined);
    }
  });
});
