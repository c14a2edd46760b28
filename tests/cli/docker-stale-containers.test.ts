// A Sluice killed while a Docker connector runs leaves its container on the engine; the next Sluice that launches
// a container removes it (its owner, host:pid, is dead), and never removes a live Sluice's container.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import Dockerode from 'dockerode';
import { hostname } from 'node:os';
import { imagesAvailability } from '../support/services.js';
import { jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';

const image = 'docker:sluice/destination-dev-null:dev';
const dockerMissing = await imagesAvailability([image.slice('docker:'.length)]);
const catalog = {
  streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
};

describe.runIf(!dockerMissing)('containers left by a killed Sluice', { timeout: 120_000 }, () => {
  const docker = new Dockerode();
  const ownedBy = async (pid: number) =>
    docker.listContainers({ all: true, filters: { label: [`io.sluice.owner=${hostname()}:${pid}`] } });

  it('are removed by the next Sluice that runs a Docker connector; a live one keeps its own', async () => {
    const dir = tempDir();
    const args = ['write', image, '--config', jsonFile(dir, 'config.json', {}), '--catalog', jsonFile(dir, 'catalog.json', catalog)];
    // `write` with stdin left open: the container runs until its input ends.
    const killed = execa(process.execPath, [sluiceBin, ...args], { reject: false, stdin: 'pipe' });
    const live = execa(process.execPath, [sluiceBin, ...args], { reject: false, stdin: 'pipe' });
    try {
      for (const run of [killed, live]) {
        const pid = run.pid!;
        const deadline = Date.now() + 60_000;
        while ((await ownedBy(pid)).length === 0) {
          if (Date.now() > deadline) throw new Error(`no container for sluice ${pid}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      killed.kill('SIGKILL');
      await killed;
      expect(await ownedBy(killed.pid!)).toHaveLength(1);

      const next = await sluice(['spec', image, '--json']);
      expect(next.exitCode, next.stderr).toBe(0);
      expect(await ownedBy(killed.pid!)).toEqual([]);
      expect(await ownedBy(live.pid!)).toHaveLength(1);
    } finally {
      live.stdin!.end();
      killed.kill('SIGKILL');
      await live;
      for (const container of [...(await ownedBy(killed.pid!)), ...(await ownedBy(live.pid!))]) {
        await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
      }
    }
  });
});
