// The spec cache of `sluice sync`: a connector's spec is asked once while the connector is unchanged (a stored
// connection's syncs included), asked again once it changes, and a spec from the cache validates the config exactly as a fresh one; a config that passed
// against the same spec is not validated again, and any other config is.
import { describe, expect, it } from 'vitest';
import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture, jsonFile, sluice, tempDir } from '../support/cli.js';
import { workspace } from '../support/workspace.js';

/** An executable that logs each protocol command it gets to calls.log beside it, then runs the counter source. */
function loggingSource(dir: string): { path: string; calls: () => string[] } {
  const path = join(dir, 'logging-source.sh');
  writeFileSync(path, `#!/bin/sh\necho "$1" >> "$(dirname "$0")/calls.log"\nexec node ${fixture('counter-source.mjs')} "$@"\n`);
  chmodSync(path, 0o755);
  const log = join(dir, 'calls.log');
  return { path, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

function catalogFile(dir: string): string {
  const stream = { name: 'items', json_schema: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'integer' } } }, supported_sync_modes: ['full_refresh', 'incremental'] };
  return jsonFile(dir, 'catalog.json', { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] });
}

describe('spec cache', () => {
  it("a connector's spec is asked once while it is unchanged, and again once it changes", async () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const source = loggingSource(dir);
    const args = ['sync', '--json', '--source', source.path, '--source-config', jsonFile(dir, 'c.json', { count: 3 }), '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {}), '--catalog', catalogFile(dir)];
    const run = async () => {
      const result = await sluice(args, { env: { XDG_CACHE_HOME: cache } });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 3 });
    };
    await run();
    await run();
    expect(source.calls()).toEqual(['spec', 'read', 'read']);
    expect(readdirSync(join(cache, 'sluice', 'specs')).filter((name) => name.endsWith('.json'))).toHaveLength(2);
    appendFileSync(source.path, '# a new version\n');
    await run();
    expect(source.calls()).toEqual(['spec', 'read', 'read', 'spec', 'read']);
  });

  it("a stored connection's syncs ask the spec once too", async () => {
    const ws = workspace({ XDG_CACHE_HOME: join(tempDir(), 'cache') });
    const source = loggingSource(ws.dir);
    expect((await ws.run(['source', 'create', 'logged', '--connector', source.path, '--config-json', JSON.stringify({ count: 3 })])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'nothing', '--connector', 'destination-dev-null', '--config-json', '{}'])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'create', 'logged-to-nothing', '--source', 'logged', '--destination', 'nothing'])).stderr).toBe('');
    expect(await ws.json(['sync', 'logged-to-nothing'])).toMatchObject({ status: 'succeeded', recordsCommitted: 3 });
    // Incremental by default: the second sync finds nothing new.
    expect(await ws.json(['sync', 'logged-to-nothing'])).toMatchObject({ status: 'succeeded', recordsCommitted: 0 });
    // Creating the source asked its spec (the cache keeps it) and checked it, creating the connection discovered it;
    // each sync discovers (the schema check) and reads, and never asks the spec again.
    expect(source.calls()).toEqual(['spec', 'check', 'discover', 'discover', 'read', 'discover', 'read']);
  });

  it('a config that passed against the same spec is not validated again; a changed one is', async () => {
    const dir = tempDir();
    const source = loggingSource(dir);
    const sync = (config: object) =>
      sluice(['sync', '--log-level', 'debug', '--source', source.path, '--source-config', jsonFile(dir, 'c.json', config), '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {}), '--catalog', catalogFile(dir)], { env: { XDG_CACHE_HOME: join(dir, 'cache') } });
    const skipped = (stderr: string) => stderr.split('\n').filter((line) => line.includes('config valid: the same config passed against the same spec before')).length;
    const first = await sync({ count: 2 });
    expect(first.exitCode).toBe(0);
    expect(skipped(first.stderr)).toBe(0);
    const again = await sync({ count: 2 });
    expect(again.exitCode).toBe(0);
    expect(skipped(again.stderr)).toBe(2);
    const changed = await sync({ count: -2 });
    expect(changed.exitCode).toBe(2);
    expect(errorLine(changed.stderr)).toBe(`sluice: config.invalid: ${join(dir, 'c.json')}: /count must be >= 0 (see the spec: sluice spec ${source.path})`);
  });

  it('a spec from the cache rejects a bad config with the same message as a fresh one', async () => {
    const dir = tempDir();
    const source = loggingSource(dir);
    const sync = (config: object) =>
      sluice(['sync', '--source', source.path, '--source-config', jsonFile(dir, 'c.json', config), '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {}), '--catalog', catalogFile(dir)], { env: { XDG_CACHE_HOME: join(dir, 'cache') } });
    const fresh = await sync({ count: -1 });
    const cached = await sync({ count: -1 });
    expect(source.calls()).toEqual(['spec']);
    for (const result of [fresh, cached]) {
      expect(result.exitCode).toBe(2);
      expect(errorLine(result.stderr)).toBe(`sluice: config.invalid: ${join(dir, 'c.json')}: /count must be >= 0 (see the spec: sluice spec ${source.path})`);
    }
  });
});
