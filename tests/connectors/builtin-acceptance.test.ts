// Every built-in connector passes `sluice test-connector`, as a process and as the Docker image `make images` builds.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { builtinConnectors } from '../../runtime/launchers/builtin-connectors.js';
import { dockerAvailability } from '../support/services.js';
import { jsonFile, repoRoot, sluice, tempDir } from '../support/cli.js';

/** A working config per built-in: as a process (host paths) and inside its image (container paths). */
const configs: Record<string, { process: object; docker: object } | { elsewhere: string }> = {
  'source-postgres': { elsewhere: 'tests/connectors/database-acceptance.test.ts, against the PostgreSQL server' },
  'destination-postgres': { elsewhere: 'tests/connectors/database-acceptance.test.ts, against the PostgreSQL server' },
  'source-mysql': { elsewhere: 'tests/connectors/database-acceptance.test.ts, against MariaDB' },
  'source-sqlite-py': { elsewhere: 'tests/connectors/source-sqlite-py.test.ts, with a database it creates' },
  'source-faker': { process: { count: 50 }, docker: { count: 50 } },
  'source-file': {
    process: { path: `${repoRoot}/examples/data/orders.csv`, cursor_field: 'updated_at', primary_key: 'id' },
    docker: { path: '/app/examples/data/orders.csv', cursor_field: 'updated_at', primary_key: 'id' },
  },
  'destination-local-json': { process: { destination_path: '{tmp}/out' }, docker: { destination_path: '/tmp/out' } },
  'destination-csv': { process: { destination_path: '{tmp}/out' }, docker: { destination_path: '/tmp/out' } },
  'destination-sqlite': { process: { database_path: '{tmp}/db.sqlite' }, docker: { database_path: '/tmp/db.sqlite' } },
  'destination-dev-null': { process: {}, docker: {} },
};

function configFile(config: object): string {
  const dir = tempDir('sluice-acceptance-');
  return jsonFile(dir, 'config.json', JSON.parse(JSON.stringify(config).replaceAll('{tmp}', dir)));
}

// Connectors that need an outside service or data are tested with it in their own test files.
const tested = builtinConnectors.filter((connector) => !('elsewhere' in (configs[connector.name] ?? {})));

it('every built-in connector has an acceptance config here', () => {
  expect(builtinConnectors.map((c) => c.name).filter((name) => !(name in configs))).toEqual([]);
});

describe.each(tested.map((connector) => [connector.name, connector] as const))('%s as a process', (name) => {
  it('passes sluice test-connector', async () => {
    const config = configs[name] as { process: object };
    const result = await sluice(['test-connector', name, '--config', configFile(config.process)]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
  });
});

const dockerMissing = await dockerAvailability();

describe.runIf(!dockerMissing)('as Docker images', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    await execa('scripts/build-images.sh', { cwd: repoRoot, stdout: 'ignore', stderr: 'inherit' });
  }, 900_000);

  it.each(tested.map((connector) => [connector.image, connector] as const))('docker:%s passes sluice test-connector', async (image, connector) => {
    const config = configs[connector.name] as { docker: object };
    const result = await sluice(['test-connector', `docker:${image}`, '--config', configFile(config.docker)], { timeout: 280_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
  });
});
