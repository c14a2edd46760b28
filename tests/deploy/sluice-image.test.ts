// sluice/sluice:dev (`make image`) run for real: the CLI is its entry point; a `sluice worker` in a container on the
// host's network takes a job that `sluice serve --no-worker` on the host queued for a connection created with the
// host's CLI, runs it (source-faker → destination-dev-null, built-ins run as local processes inside the container),
// and the job names the container's worker as its runner. The image is checked here, never built (CI: .ci/run runs
// `make image`).
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { jsonFile, repoRoot } from '../support/cli.js';
import { containerName, containersNamed, removeContainer, runContainer, docker } from '../support/containers.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { api, eventually, startServe, startUntilReady, type RunningServer } from '../support/server.js';
import { imagesAvailability } from '../support/services.js';
import { workspace } from '../support/workspace.js';

const IMAGE = 'sluice/sluice:dev';
const imageMissing = await imagesAvailability([IMAGE]);
const postgresMissing = await postgresAvailability();
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe.runIf(!imageMissing && !postgresMissing)('the Sluice image', { timeout: 240_000 }, () => {
  const url = useFreshDatabase();

  it('is built from the current dist/ (else: make image)', async () => {
    const check = await execa(join(repoRoot, 'scripts/build-sluice-image.sh'), ['--check'], { reject: false });
    expect(check.exitCode, check.stdout).toBe(0);
  });

  it('runs the CLI: docker run sluice/sluice:dev --version prints the version', async () => {
    const result = await runContainer(['--network', 'none', IMAGE, '--version']);
    expect([result.exitCode, result.stdout.trim()], result.stderr).toEqual([0, version]);
  });

  it('runs as an unprivileged user, with no sources, tests or dev dependencies; the SQLite addon still loads', async () => {
    const look = `const fs = require('node:fs');
      const Database = require('/app/node_modules/better-sqlite3');
      console.log(JSON.stringify({ uid: process.getuid(), app: fs.readdirSync('/app').sort(),
        dev: ['typescript', 'vitest', 'vite', 'react'].filter((name) => fs.existsSync('/app/node_modules/' + name)),
        sqlite: new Database(':memory:').prepare('SELECT 1 AS one').get() }));`;
    const result = await runContainer(['--network', 'none', '--entrypoint', 'node', IMAGE, '-e', look]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      uid: 1000,
      app: ['dist', 'examples', 'node_modules', 'package-lock.json', 'package.json', 'schemas'],
      dev: [],
      sqlite: { one: 1 },
    });
  });

  it('a worker in a container runs a job queued on the host, and stops cleanly on docker stop', async () => {
    const ws = workspace({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: randomBytes(32).toString('base64') });
    for (const args of [
      ['source', 'create', 'faker', '--connector', 'source-faker', '--config', jsonFile(ws.dir, 'faker.json', { count: 100, seed: 7 })],
      ['destination', 'create', 'nowhere', '--connector', 'destination-dev-null', '--config', jsonFile(ws.dir, 'null.json', {})],
      ['connection', 'create', 'faker-to-nowhere', '--source', 'faker', '--destination', 'nowhere', '--schedule', 'manual'],
    ]) {
      const created = await ws.run(args);
      expect(created.exitCode, created.stderr).toBe(0);
    }
    const name = containerName('sluice-test-worker');
    let server: RunningServer | undefined;
    try {
      // -e NAME: the values come from the docker client's environment, not its argv.
      const worker = await startUntilReady('docker', ['run', '--rm', '--name', name, '--network', 'host',
        '-e', 'SLUICE_DATABASE_URL', '-e', 'SLUICE_SECRET_KEY', IMAGE, 'worker'], /worker (\S+) taking jobs/,
      { env: ws.env, what: `docker run ${IMAGE} worker`, timeoutMs: 120_000 });
      server = await startServe(ws.env, ['--no-worker']);
      const queued = await api(server.url, 'POST', '/api/v1/connections/faker-to-nowhere/sync');
      // How many wait when it answers: 1, or 0 if the container's worker already took it.
      expect(queued).toEqual({ status: 202, body: { queued: expect.any(Number) } });
      const jobs = await eventually(() => ws.json(['jobs']), (list: any[]) => list.length === 1 && list[0].status !== 'running',
        120_000, 'the job to finish');
      // 100 users, 10 products, 100 purchases.
      expect(jobs[0]).toMatchObject({ status: 'succeeded', runner: worker.match, recordsCommitted: 210 });
      const log = await ws.run(['logs', String(jobs[0].id)]);
      expect(log.exitCode, log.stderr).toBe(0);
      // The container's worker wrote the job's log into the workspace's database; the host reads it there.
      expect(log.stdout).toContain('sync source-faker → destination-dev-null');
      // SIGTERM reaches the worker (PID 1 in the container): it stops its jobs and leaves the queue.
      expect((await docker(['stop', name])).exitCode).toBe(0);
      const stopped = await worker.child;
      expect(stopped.exitCode, String(stopped.stderr)).toBe(0);
      expect(String(stopped.stderr)).toContain('stopping: cancelling running jobs');
      expect(await ws.json(['workers'])).toEqual([]);
    } finally {
      await server?.stop();
      await removeContainer(name);
    }
    expect(await containersNamed(name)).toEqual([]);
  });
});
