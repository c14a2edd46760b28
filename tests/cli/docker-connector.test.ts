// The Python fixture connector packaged as a Docker image built locally, run through the CLI on the real engine.
import { describe, expect, it } from 'vitest';
import { imagesAvailability } from '../support/services.js';
import { errorLine, fixture, jsonLines, sluice } from '../support/cli.js';

const image = 'docker:sluice-test/python-source:dev';
const config = fixture('python-source/config.json');
const catalog = fixture('python-source/configured_catalog.json');
const dockerMissing = await imagesAvailability([image.slice('docker:'.length)]);

describe.runIf(!dockerMissing)('a Docker connector through the CLI', { timeout: 120_000 }, () => {
  it('spec', async () => {
    const result = await sluice(['spec', image, '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).connectionSpecification.properties.api_key.airbyte_secret).toBe(true);
  });

  it('check, with the config delivered through the Docker API', async () => {
    const result = await sluice(['check', image, '--config', config]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'SUCCEEDED: api_key accepted' });
    const bad = await sluice(['check', image, '--config', fixture('python-source/config-bad.json')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED/);
  });

  it('discover', async () => {
    const result = await sluice(['discover', image, '--config', config, '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).streams.map((s: { name: string }) => s.name)).toEqual(['numbers', 'words']);
  });

  it('read, incremental from a state', async () => {
    const result = await sluice(['read', image, '--config', config, '--catalog', catalog, '--state', fixture('python-source/state.json')]);
    expect(result.exitCode).toBe(0);
    const numbers = jsonLines(result.stdout).filter((m) => m.type === 'RECORD' && m.record.stream === 'numbers');
    expect(numbers.map((m) => m.record.data.id)).toEqual(Array.from({ length: 50 }, (_, i) => 201 + i));
  });

  it('a sync from the container into a local destination', async () => {
    const { tempDir, jsonFile } = await import('../support/cli.js');
    const dir = tempDir();
    const dest = jsonFile(dir, 'dest.json', { destination_path: `${dir}/out` });
    const result = await sluice(['sync', '--json', '--source', image, '--source-config', config, '--destination', 'destination-local-json', '--destination-config', dest, '--catalog', catalog]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 500 });
  });

  it('an image that is not present locally is a clear error', async () => {
    const result = await sluice(['spec', 'docker:sluice-test/does-not-exist:1.0']);
    expect(result.exitCode).toBe(3);
    expect(errorLine(result.stderr)).toMatch(/^sluice: connector.image_not_found: Docker image sluice-test\/does-not-exist:1.0 is not present/);
  });
});
