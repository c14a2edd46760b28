// spec, check, discover and read through the CLI against a built-in connector and a Python connector.
import { describe, expect, it } from 'vitest';
import { fixture, jsonFile, jsonLines, repoRoot, sluice, tempDir, errorLine } from '../support/cli.js';

const python = fixture('python-source/source.py');
const pythonConfig = fixture('python-source/config.json');
const pythonCatalog = fixture('python-source/configured_catalog.json');

describe('a built-in connector (source-faker)', () => {
  const dir = tempDir();
  const config = jsonFile(dir, 'faker.json', { count: 25, seed: 7 });

  it('prints its spec as JSON', async () => {
    const result = await sluice(['spec', 'source-faker', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).connectionSpecification.required).toEqual(['count']);
  });

  it('passes check and exits 0', async () => {
    const result = await sluice(['check', 'source-faker', '--config', config]);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'SUCCEEDED' });
  });

  it('discovers users, products and purchases', async () => {
    const result = await sluice(['discover', 'source-faker', '--config', config, '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).streams.map((s: { name: string }) => s.name)).toEqual(['users', 'products', 'purchases']);
  });

  it('reads deterministic records: the same seed gives the same rows', async () => {
    const catalog = jsonFile(dir, 'catalog.json', {
      streams: [
        {
          stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        },
      ],
    });
    const first = await sluice(['read', 'source-faker', '--config', config, '--catalog', catalog]);
    const second = await sluice(['read', 'source-faker', '--config', config, '--catalog', catalog]);
    expect(first.exitCode).toBe(0);
    const records = (out: string) => jsonLines(out).filter((m) => m.type === 'RECORD').map((m) => m.record.data);
    expect(records(first.stdout)).toHaveLength(25);
    expect(records(first.stdout)).toEqual(records(second.stdout));
  });
});

describe('a reader that goes away', () => {
  it('`sluice read … | head` ends quietly: exit 0, no error, the source stopped', async () => {
    const { execa } = await import('execa');
    const dir = tempDir();
    const config = jsonFile(dir, 'big.json', { count: 1_000_000 });
    const catalog = jsonFile(dir, 'catalog.json', {
      streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    });
    const started = Date.now();
    const result = await execa('bash', ['-c', `set -o pipefail; "${process.execPath}" dist/cli/main.js read source-faker --config ${config} --catalog ${catalog} | head -n 3`], { cwd: repoRoot, reject: false });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).split('\n')).toHaveLength(3);
    expect(errorLine(String(result.stderr))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a connector in another language (Python, standard library only)', () => {
  it('prints its spec, marking the api key secret', async () => {
    const result = await sluice(['spec', python]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/api_key\s+string\s+yes\s+yes/);
  });

  it('check SUCCEEDED with a good key, FAILED (non-zero exit) with a bad one', async () => {
    const good = await sluice(['check', python, '--config', pythonConfig]);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toMatch(/^SUCCEEDED/);
    const bad = await sluice(['check', python, '--config', fixture('python-source/config-bad.json'), '--json']);
    expect(bad.exitCode).toBe(1);
    expect(JSON.parse(bad.stdout).status).toBe('FAILED');
  });

  it('discovers two streams', async () => {
    const result = await sluice(['discover', python, '--config', pythonConfig]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/numbers\s+full_refresh,incremental\s+updated_at\s+id/);
    expect(result.stdout).toMatch(/words\s+full_refresh/);
  });

  it('reads: stdout holds only protocol messages, its non-JSON log line goes to the log', async () => {
    const result = await sluice(['read', python, '--config', pythonConfig, '--catalog', pythonCatalog]);
    expect(result.exitCode).toBe(0);
    const messages = jsonLines(result.stdout);
    expect(messages.filter((m) => m.type === 'RECORD')).toHaveLength(500);
    expect(messages.some((m) => m.type === 'STATE')).toBe(true);
    expect(result.stdout).not.toContain('python-source starting');
    expect(result.stderr).toContain('python-source starting');
  });

  it('reads incrementally from a stored state', async () => {
    const result = await sluice(['read', python, '--config', pythonConfig, '--catalog', pythonCatalog, '--state', fixture('python-source/state.json')]);
    expect(result.exitCode).toBe(0);
    const numbers = jsonLines(result.stdout).filter((m) => m.type === 'RECORD' && m.record.stream === 'numbers');
    expect(numbers.length).toBe(50);
    expect(Math.min(...numbers.map((m) => m.record.data.id))).toBe(201);
  });

  it('forwards records byte for byte, keeping their key order and spacing', async () => {
    const result = await sluice(['read', python, '--config', pythonConfig, '--catalog', pythonCatalog]);
    const line = result.stdout.split('\n').find((l) => l.includes('"RECORD"'));
    expect(line).toMatch(/^\{"type": "RECORD", "record": \{"stream": "numbers"/);
  });

});

describe('secrets (airbyte_secret fields)', () => {
  const leaky = fixture('leaks-secret.mjs');
  const dir = tempDir();
  const config = jsonFile(dir, 'c.json', { user: 'ann', password: 'hunter2-very-secret' });
  const catalog = jsonFile(dir, 'catalog.json', {
    streams: [{ stream: { name: 'things', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
  });

  it('are masked in logs, stdout and error lines even when the connector prints them', async () => {
    for (const args of [
      ['check', leaky, '--config', config],
      ['read', leaky, '--config', config, '--catalog', catalog],
    ]) {
      const result = await sluice([...args, '--log-level', 'debug']);
      expect(result.stdout + result.stderr).not.toContain('hunter2-very-secret');
      expect(result.stdout + result.stderr).toContain('**********');
    }
  });

  it('the failing read still ends in one error line naming the connector', async () => {
    const result = await sluice(['read', leaky, '--config', config, '--catalog', catalog]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.failed: connector ${leaky} (read) failed (config_error): login failed for **********`);
  });
});
