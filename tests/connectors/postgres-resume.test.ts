// Killing `sluice sync` (source-postgres → destination-postgres) mid-sync and running it again leaves the destination
// equal to the source: a full refresh resumes after the last committed primary key and the old table stays readable
// until the new one is complete; an incremental append_dedup resumes from its cursor.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { destinationConfig, sourceConfig, sqlOn } from '../support/pg-connectors.js';

const postgresMissing = await postgresAvailability();
// Enough rows that the load outlasts destination-postgres's one-second commit interval many times over, so a commit
// mid-load (the kill point) always exists, however fast the connectors are.
const ROWS = 600_000;

// Each test runs up to three syncs of 600k rows: about 20 s on a quiet machine, several times that beside CI's Docker tests.
describe.runIf(!postgresMissing)('killing sluice mid-sync, then rerunning', { timeout: 240_000 }, () => {
  const url = useFreshDatabase();
  const sql = (text: string) => sqlOn(url(), text);
  const fingerprint = async (table: string) =>
    (await sql(`SELECT count(*)::int AS rows, md5(string_agg(id || ':' || payload || ':' || n || ':' || updated_at, ',' ORDER BY id)) AS hash FROM ${table}`))[0];

  beforeAll(async () => {
    await sql(`CREATE SCHEMA src;
      CREATE TABLE src.big (id int PRIMARY KEY, payload text, n int, updated_at int);
      INSERT INTO src.big SELECT i, md5(i::text), i % 97, 1 FROM generate_series(1, ${ROWS}) AS i;
      CREATE INDEX ON src.big (updated_at);`);
  });

  function syncArgs(dir: string, mode: string, marker: string, target = 'dst'): string[] {
    return [
      'sync',
      '--source', 'source-postgres',
      '--source-config', jsonFile(dir, 'source.json', sourceConfig(url(), 'src', { chunk_size: 500 })),
      '--destination', 'destination-postgres',
      '--destination-config', jsonFile(dir, 'destination.json', destinationConfig(url(), target)),
      '--streams', 'src.big',
      '--mode', `src.big=${mode}`,
      ...(mode.startsWith('incremental') ? ['--cursor', 'src.big=updated_at'] : []),
      '--state', join(dir, 'state.json'),
      '--source-env', `SLUICE_TEST_MARK=${marker}`,
      '--destination-env', `SLUICE_TEST_MARK=${marker}`,
      '--attempts', '1',
      '--json',
    ];
  }

  /**
   * Starts a sync, SIGKILLs sluice as soon as the state file shows the destination's first commit of this run (the
   * first whose state file contains `committed`, when given): a point mid-load, since destination-postgres commits
   * once a second while rows flow and the load lasts several seconds. Then waits for orphans.
   */
  async function killMidSync(dir: string, mode: string, target = 'dst', committed = ''): Promise<string> {
    const statePath = join(dir, 'state.json');
    const before = existsSync(statePath) ? readFileSync(statePath, 'utf8') : '';
    const marker = randomUUID();
    const run = execa(process.execPath, [sluiceBin, ...syncArgs(dir, mode, marker, target)], { reject: false });
    await waitUntil(() => {
      const now = existsSync(statePath) ? readFileSync(statePath, 'utf8') : before;
      return now !== before && now.includes(committed);
    }, 180_000, 'the first commit');
    run.kill('SIGKILL');
    const result = await run;
    await waitUntil(() => pidsWithEnv('SLUICE_TEST_MARK', marker).length === 0, 30_000, 'orphaned connectors to exit');
    return `killed at the first commit (exit ${result.exitCode ?? 'signal'})`;
  }

  it('full refresh overwrite: the old table stays until the resumed load completes, then equals the source', async () => {
    const dir = tempDir('sluice-pg-resume-');
    const first = await sluice(syncArgs(dir, 'full_refresh:overwrite', randomUUID()));
    expect(first.exitCode, first.stderr).toBe(0);
    const old = await fingerprint('dst.big');
    expect(old).toEqual(await fingerprint('src.big'));

    await sql(`DELETE FROM src.big WHERE id % 10 = 0; UPDATE src.big SET payload = 'changed' WHERE id % 7 = 0`);
    const context = await killMidSync(dir, 'full_refresh:overwrite', 'dst', '"after"');
    expect(await fingerprint('dst.big'), `${context}: readers still see the previous load`).toEqual(old);
    const saved = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))[0].stream.stream_state;
    expect(saved, context).toMatchObject({ mode: 'full_refresh' });

    const rerun = await sluice(syncArgs(dir, 'full_refresh:overwrite', randomUUID()));
    expect(rerun.exitCode, `${context}; rerun: ${rerun.stderr}`).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    expect(saved.after, context).toEqual([expect.any(String)]);
    expect(summary.recordsEmitted, `${context}: the rerun resumed after id ${saved.after[0]}`).toBeLessThan(ROWS * 0.9);
    expect(await fingerprint('dst.big'), context).toEqual(await fingerprint('src.big'));
  });

  it('incremental append_dedup: the rerun resumes from the cursor and the destination equals the source', async () => {
    const dir = tempDir('sluice-pg-resume-');
    await sql(`UPDATE src.big SET updated_at = id`);
    const context = await killMidSync(dir, 'incremental:append_dedup', 'dst2');
    const rerun = await sluice(syncArgs(dir, 'incremental:append_dedup', randomUUID(), 'dst2'));
    expect(rerun.exitCode, `${context}; rerun: ${rerun.stderr}`).toBe(0);
    expect(await fingerprint('dst2.big'), context).toEqual(await fingerprint('src.big'));
  });
});
