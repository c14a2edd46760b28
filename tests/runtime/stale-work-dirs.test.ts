// The connectors' working directories hold their config (secrets included): owner-only while a run uses them, and
// when a killed Sluice leaves them behind, the next sluice command removes them; a live run's are never touched.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sluice, tempDir } from '../support/cli.js';
import { startMarkedSync } from '../support/marked-sync.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

/** A sync whose destination never reads, run with its own TMPDIR; resolves once both connectors have started. */
async function startStuckSync(tmp: string) {
  const { run, marker, mark } = startMarkedSync({ destination: 'destination-never-reads.mjs', source: { count: 50_000, secret: 'hunter2' }, env: { TMPDIR: tmp } });
  await waitUntil(() => existsSync(marker), 30_000, 'the destination to start');
  // A directory is made before its files are written: wait for both connectors' config and catalog.
  await waitUntil(() => workDirs(tmp).length === 2 && workDirs(tmp).every((dir) => readdirSync(dir).length === 2), 10_000, 'both connectors to have their files');
  return { run, mark };
}

const workDirs = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith('sluice-connector-')).map((name) => join(tmp, name));
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

async function killAll(mark: string): Promise<void> {
  for (const pid of pidsWithEnv('MARK', mark)) process.kill(pid, 'SIGKILL');
  await waitUntil(() => pidsWithEnv('MARK', mark).length === 0, 10_000, 'the orphaned connectors to be gone');
}

describe("connectors' working directories", () => {
  it('are readable by the owner only: 0700 directories, 0600 files', async () => {
    const tmp = tempDir();
    const { run, mark } = await startStuckSync(tmp);
    try {
      const dirs = workDirs(tmp);
      expect(dirs.map(mode)).toEqual(['700', '700']);
      const files = dirs.flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)));
      expect(files.map((path) => path.split('/').at(-1)).sort()).toEqual(['catalog.json', 'catalog.json', 'config.json', 'config.json']);
      expect(files.map(mode)).toEqual(['600', '600', '600', '600']);
    } finally {
      run.kill('SIGKILL');
      await run;
      await killAll(mark);
    }
  });

  it('left behind by a Sluice killed mid-sync are removed by the next sluice command', async () => {
    const tmp = tempDir();
    const { run, mark } = await startStuckSync(tmp);
    const left = workDirs(tmp);
    run.kill('SIGKILL');
    await run;
    await killAll(mark);
    expect(workDirs(tmp)).toEqual(left);
    const next = await sluice(['connectors', '--json'], { env: { TMPDIR: tmp } });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(workDirs(tmp)).toEqual([]);
  });

  it("of a live run are not touched by another sluice command", async () => {
    const tmp = tempDir();
    const { run, mark } = await startStuckSync(tmp);
    try {
      const live = workDirs(tmp);
      const next = await sluice(['connectors', '--json'], { env: { TMPDIR: tmp } });
      expect(next.exitCode, next.stderr).toBe(0);
      expect(workDirs(tmp)).toEqual(live);
    } finally {
      run.kill('SIGKILL');
      await run;
      await killAll(mark);
    }
  });
});
