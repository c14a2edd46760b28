// `sluice sync --follow` from source-postgres (CDC, the WAL streamed) into destination-postgres (append_dedup), end to
// end with real processes and a real server (wal_level = logical): inserts, updates, deletes and a multi-statement
// transaction arrive while the sync runs; SIGKILL of the source, of the destination and of sluice itself while
// changes flow loses and repeats nothing in the final table, and the slot is never acknowledged past the state the
// destination committed; SIGINT stops it cleanly; a dropped slot and a publication missing a table are one clear error.
// Kill points are observable facts (the destination has committed rows past a mark), not sleeps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, jsonFile, sluiceBin, tempDir } from '../support/cli.js';
import { useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sourceConfig, logicalReplicationAvailability, sqlOn } from '../support/pg-connectors.js';
import { pidsWithEnv } from '../support/processes.js';

const logicalMissing = await logicalReplicationAvailability();

describe.runIf(!logicalMissing)('sluice sync --follow, PostgreSQL CDC', () => {
  const url = useFreshDatabase();
  const dir = tempDir('sluice-pg-follow-');
  const sql = (text: string, values?: unknown[]) => sqlOn(url(), text, values);
  const slot = `sluice_follow_${process.pid}`;
  const publication = 'sluice_follow_pub';
  const mark = `follow-${process.pid}`;
  let table = 0;
  let follower: ResultPromise | undefined;

  const sourceFile = (name: string, extra: Record<string, unknown> = {}) =>
    jsonFile(dir, `source-${name}.json`, sourceConfig(url(), 'app', { replication_method: { method: 'CDC', replication_slot: slot, publication, ...extra } }));
  /** The running follower's log so far, for a failure's message. */
  let followerLog = '';
  const follow = (stream: string, statePath: string, source = sourceFile(stream)): ResultPromise => {
    followerLog = '';
    const child = execa(process.execPath, [
      sluiceBin, 'sync', '--follow',
      '--source', 'source-postgres', '--source-config', source,
      '--destination', 'destination-postgres', '--destination-config', jsonFile(dir, 'destination.json', destinationConfig(url(), 'copy')),
      '--streams', `app.${stream}`, '--state', statePath, '--json', '--backoff', '0.2',
      '--source-env', `SLUICE_TEST_MARK=${mark}-source`, '--destination-env', `SLUICE_TEST_MARK=${mark}-destination`,
    ], { reject: false, env: { SLUICE_TEST_MARK: `${mark}-sluice` } });
    child.stderr?.on('data', (chunk: Buffer) => (followerLog = (followerLog + chunk.toString()).slice(-3000)));
    return child;
  };

  /** A table of its own for each test, in the publication the slot reads. */
  const newTable = async (): Promise<string> => {
    const name = `items_${++table}`;
    await sql(`CREATE TABLE app.${name} (id int PRIMARY KEY, name text NOT NULL, n int NOT NULL)`);
    return name;
  };
  const committedLsn = (statePath: string): string | undefined => (existsSync(statePath) ? findLsn(readFileSync(statePath, 'utf8')) : undefined);
  const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the follower's log ends: ${followerLog}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const rows = async (name: string) => (await sql(`SELECT count(*)::int AS n FROM copy.${name}`).catch(() => [{ n: -1 }]))[0]!['n'] as number;
  const fingerprint = async (schema: string, name: string) =>
    (await sql(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(id || ':' || name || ':' || n, ',' ORDER BY id), '')) AS hash FROM ${schema}.${name}`))[0];
  /** The slot's confirmed position is never past the committed state's LSN (sampled: slot first, then the state). */
  const ackedWithinCommitted = async (statePath: string): Promise<void> => {
    const [slotRow] = await sql(`SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
    const committed = committedLsn(statePath);
    if (!slotRow || !committed) return;
    const [order] = await sql('SELECT $1::pg_lsn <= $2::pg_lsn AS ok', [slotRow['lsn'], committed]);
    expect(order!['ok'], `slot confirmed ${slotRow['lsn']}, committed state ${committed}`).toBe(true);
  };

  /** A new table followed, its first row committed in the destination. */
  const followingOneRow = async (): Promise<{ name: string; statePath: string }> => {
    const name = await newTable();
    const statePath = join(dir, `${name}.state.json`);
    follower = follow(name, statePath);
    await until('the first committed state', () => existsSync(statePath));
    await sql(`INSERT INTO app.${name} VALUES (1, 'one', 0)`);
    await until('the insert', async () => (await rows(name)) === 1);
    return { name, statePath };
  };

  beforeAll(async () => {
    await sql('CREATE SCHEMA app');
  });
  afterEach(async () => {
    if (follower && follower.exitCode === null) {
      follower.kill('SIGKILL');
      await follower;
    }
    follower = undefined;
  });
  afterAll(async () => {
    await sql(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active`, [slot]).catch(() => undefined);
    await sql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [slot]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('inserts, updates, deletes and a multi-statement transaction arrive while it runs; SIGINT stops it cleanly', async () => {
    const name = await newTable();
    const statePath = join(dir, `${name}.state.json`);
    follower = follow(name, statePath);
    await until('the first committed state', () => existsSync(statePath));

    await sql(`INSERT INTO app.${name} VALUES (1, 'one', 0), (2, 'two', 0), (3, 'three', 0)`);
    await until('the inserts', async () => (await rows(name)) === 3);
    await sql(`UPDATE app.${name} SET n = 5, name = 'two updated' WHERE id = 2`);
    await until('the update', async () => (await sql(`SELECT n::int AS n FROM copy.${name} WHERE id = 2`))[0]?.['n'] === 5);
    await sql(`DELETE FROM app.${name} WHERE id = 3`);
    await until('the delete', async () => (await sql(`SELECT count(*)::int AS n FROM copy.${name} WHERE id = 3 AND _ab_cdc_deleted_at IS NULL`))[0]!['n'] === 0);
    // One transaction of several statements: all of it arrives in one commit of the destination, or none of it.
    await sql(`BEGIN; INSERT INTO app.${name} VALUES (10, 'ten', 1); UPDATE app.${name} SET n = n + 1 WHERE id = 1; INSERT INTO app.${name} VALUES (11, 'eleven', 1); DELETE FROM app.${name} WHERE id = 2; COMMIT`);
    await until('the transaction', async () => (await sql(`SELECT count(*)::int AS n FROM copy.${name} WHERE id IN (10, 11)`))[0]!['n'] === 2);
    const [after] = await sql(`SELECT (SELECT n::int FROM copy.${name} WHERE id = 1) AS one, (SELECT count(*)::int FROM copy.${name} WHERE id = 2 AND _ab_cdc_deleted_at IS NULL) AS two`);
    expect(after).toEqual({ one: 1, two: 0 });
    await ackedWithinCommitted(statePath);

    follower.kill('SIGINT');
    const result = await follower;
    expect(result.exitCode, result.stderr).toBe(130);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'cancelled' });
    expect(pidsWithEnv('SLUICE_TEST_MARK', `${mark}-source`)).toEqual([]);
    expect(pidsWithEnv('SLUICE_TEST_MARK', `${mark}-destination`)).toEqual([]);
    await until('the slot released', async () => (await sql(`SELECT active FROM pg_replication_slots WHERE slot_name = $1`, [slot]))[0]?.['active'] === false);
  });

  for (const victim of ['source', 'destination', 'sluice'] as const) {
    it(`SIGKILL of the ${victim} while changes flow: after the restart every change is in the final table exactly once`, async () => {
      const name = await newTable();
      const statePath = join(dir, `${name}.state.json`);
      follower = follow(name, statePath);
      await until('the first committed state', () => existsSync(statePath));

      // A writer commits a transaction every 20 ms: 5 inserts and an update of an earlier row.
      let writing = true;
      let next = 1;
      const writer = (async () => {
        while (writing) {
          const first = next;
          next += 5;
          await sql(`BEGIN; INSERT INTO app.${name} SELECT i, 'row ' || i, 0 FROM generate_series(${first}, ${first + 4}) AS i;
            UPDATE app.${name} SET n = n + 1, name = 'updated' WHERE id = ${Math.max(1, first - 7)}; COMMIT`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      try {
        await until('rows committed before the kill', async () => (await rows(name)) >= 100);
        await ackedWithinCommitted(statePath);
        const pids = victim === 'sluice' ? [follower.pid!] : pidsWithEnv('SLUICE_TEST_MARK', `${mark}-${victim}`);
        expect(pids.length).toBe(1);
        process.kill(pids[0]!, 'SIGKILL');
        if (victim === 'sluice') {
          await follower;
          // Its connectors see their input end, commit what they can and exit: nothing is left running.
          await until('the connectors gone', () => pidsWithEnv('SLUICE_TEST_MARK', `${mark}-source`).length + pidsWithEnv('SLUICE_TEST_MARK', `${mark}-destination`).length === 0);
          follower = follow(name, statePath);
        }
        const before = await rows(name);
        await until('rows committed after the restart', async () => (await rows(name)) >= before + 100);
      } finally {
        writing = false;
        await writer;
      }
      const source = await fingerprint('app', name);
      await until('every change', async () => JSON.stringify(await fingerprint('copy', name)) === JSON.stringify(source));
      await ackedWithinCommitted(statePath);
      // Exactly once: one row per id in the final table (append_dedup), and the same rows as the source.
      const [dupes] = await sql(`SELECT count(*)::int - count(DISTINCT id)::int AS extra FROM copy.${name}`);
      expect(dupes!['extra']).toBe(0);
      follower.kill('SIGINT');
      expect((await follower).exitCode).toBe(130);
    });
  }

  it('a slot dropped while the sync was stopped is one clear error', async () => {
    const { name, statePath } = await followingOneRow();
    follower.kill('SIGINT');
    await follower;
    await until('the slot released', async () => (await sql(`SELECT active FROM pg_replication_slots WHERE slot_name = $1`, [slot]))[0]?.['active'] === false);
    await sql(`SELECT pg_drop_replication_slot($1)`, [slot]);
    await sql(`INSERT INTO app.${name} VALUES (2, 'two', 0)`);

    follower = follow(name, statePath, sourceFile(`${name}-strict`, { create_missing: false }));
    const result = await follower;
    expect(result.exitCode).not.toBe(0);
    expect(errorLine(result.stderr)).toContain(`replication slot ${slot} does not exist`);
  });

  it('a table taken out of the publication while following is one clear error', async () => {
    const { name } = await followingOneRow();
    await sql(`ALTER PUBLICATION ${publication} DROP TABLE app.${name}`);
    const result = await follower;
    expect(result.exitCode).not.toBe(0);
    expect(errorLine(result.stderr)).toContain(`publication ${publication} no longer includes "app"."${name}"`);
    await sql(`ALTER PUBLICATION ${publication} ADD TABLE app.${name}`);
  });
});

/** The LSN a state file holds (shared_state.lsn of source-postgres's GLOBAL state). */
function findLsn(text: string): string | undefined {
  return /"lsn"\s*:\s*"([0-9A-F]+\/[0-9A-F]+)"/i.exec(text)?.[1];
}
