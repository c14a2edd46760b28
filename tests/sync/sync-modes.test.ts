// `sluice sync` end to end with real connectors: sync modes, state kinds, resumption, and what a user sees.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { errorLine, fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { waitUntil } from '../support/processes.js';

function rows(dir: string, stream: string): Array<Record<string, any>> {
  const path = join(dir, `${stream}.jsonl`);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line)._airbyte_data);
}

async function sync(args: string[]) {
  const result = await sluice(['sync', '--json', ...args]);
  const summary = result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
  return { ...result, summary };
}

describe('full refresh', () => {
  it('overwrite replaces the data on each run', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'faker.json', { count: 40 });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const args = ['--source', 'source-faker', '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest, '--streams', 'users,products', '--mode', 'users=full_refresh:overwrite', '--mode', 'products=full_refresh:overwrite'];
    const first = await sync(args);
    expect(first.exitCode).toBe(0);
    expect(first.summary).toMatchObject({ status: 'succeeded', recordsEmitted: 44, recordsCommitted: 44 });
    await sync(args);
    expect(rows(join(dir, 'out'), 'users')).toHaveLength(40);
    expect(rows(join(dir, 'out'), 'products')).toHaveLength(4);
  });

  it('a failed overwrite leaves the previous data in place; a completed one replaces it', async () => {
    const dir = tempDir();
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const args = (config: object, name: string) => ['--source', fixture('counter-source.mjs'), '--source-config', jsonFile(dir, name, config), '--destination', 'destination-local-json', '--destination-config', dest, '--mode', 'items=full_refresh:overwrite', '--attempts', '1'];
    expect((await sync(args({ count: 30 }, 'small.json'))).exitCode).toBe(0);
    const failing = await sync(args({ count: 1000, records_per_state: 100, fail_once: { after: 500, marker: join(dir, 'failed') } }, 'failing.json'));
    expect(failing.exitCode).toBe(1);
    expect(failing.summary.recordsCommitted).toBe(400);
    expect(rows(join(dir, 'out'), 'items')).toHaveLength(30);
    expect((await sync(args({ count: 1000 }, 'full.json'))).exitCode).toBe(0);
    expect(rows(join(dir, 'out'), 'items')).toHaveLength(1000);
  });

  it('append adds the data again on each run', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'faker.json', { count: 30 });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const args = ['--source', 'source-faker', '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest, '--streams', 'users', '--mode', 'users=full_refresh:append'];
    expect((await sync(args)).exitCode).toBe(0);
    expect((await sync(args)).exitCode).toBe(0);
    expect(rows(join(dir, 'out'), 'users')).toHaveLength(60);
  });
});

describe('paths in configs', () => {
  it('a relative path means the directory sluice runs in, not the connector\'s scratch directory', async () => {
    const dir = tempDir();
    jsonFile(dir, 'faker.json', { count: 5 });
    jsonFile(dir, 'dest.json', { destination_path: 'relative-out' });
    const result = await sluice(['sync', '--source', 'source-faker', '--source-config', 'faker.json', '--destination', 'destination-local-json', '--destination-config', 'dest.json', '--streams', 'users', '--state', 'state.json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(rows(join(dir, 'relative-out'), 'users')).toHaveLength(5);
    expect(existsSync(join(dir, 'state.json'))).toBe(true);
  });
});

describe('incremental with STREAM state', () => {
  it('append_dedup by default; a second run moves nothing new; new rows arrive on the next', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const run = (count: number) =>
      sync(['--source', 'source-faker', '--source-config', jsonFile(dir, `faker-${count}.json`, { count, records_per_state: 30 }), '--destination', 'destination-local-json', '--destination-config', dest, '--streams', 'users,purchases', '--state', state]);
    const first = await run(100);
    expect(first.exitCode).toBe(0);
    expect(first.summary.recordsCommitted).toBe(200);
    const stored = JSON.parse(readFileSync(state, 'utf8'));
    expect(stored.map((s: any) => [s.type, s.stream.stream_descriptor.name])).toEqual([
      ['STREAM', 'users'],
      ['STREAM', 'purchases'],
    ]);
    expect(stored[0].sourceStats).toBeUndefined();

    const second = await run(100);
    expect(second.summary).toMatchObject({ status: 'succeeded', recordsEmitted: 0 });

    const third = await run(130);
    expect(third.summary.recordsEmitted).toBe(60);
    const users = rows(join(dir, 'out'), 'users');
    expect(users).toHaveLength(130);
    expect(new Set(users.map((u) => u.id)).size).toBe(130);
  });

  it('state reset makes the next run read that stream from the start', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const source = jsonFile(dir, 'faker.json', { count: 20 });
    const args = ['--source', 'source-faker', '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest, '--streams', 'users,purchases', '--state', state, '--mode', 'users=incremental:append', '--mode', 'purchases=incremental:append'];
    await sync(args);
    const reset = await sluice(['state', 'reset', '--state', state, '--stream', 'users']);
    expect(reset).toMatchObject({ exitCode: 0, stdout: 'reset stream users' });
    const again = await sync(args);
    expect(again.summary.streams.map((s: any) => [s.stream, s.recordsEmitted])).toEqual([
      ['users', 20],
      ['purchases', 0],
    ]);
    expect(rows(join(dir, 'out'), 'users')).toHaveLength(40);
    const all = await sluice(['state', 'reset', '--state', state]);
    expect(all.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toEqual([]);
  });
});

describe.each(['GLOBAL', 'LEGACY'] as const)('incremental with %s state', (kind) => {
  it('resumes from the committed state and stores it in the protocol form', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const run = (count: number) =>
      sync(['--source', fixture('counter-source.mjs'), '--source-config', jsonFile(dir, `c${count}.json`, { count, state_kind: kind, streams: ['a', 'b'], records_per_state: 7 }), '--destination', 'destination-local-json', '--destination-config', dest, '--state', state, '--mode', 'a=incremental:append', '--mode', 'b=incremental:append']);
    expect((await run(50)).summary).toMatchObject({ status: 'succeeded', recordsCommitted: 100 });
    const stored = JSON.parse(readFileSync(state, 'utf8'));
    if (kind === 'GLOBAL') {
      expect(stored).toHaveLength(1);
      expect(stored[0].type).toBe('GLOBAL');
      expect(stored[0].global.stream_states.map((s: any) => s.stream_state.cursor)).toEqual([50, 50]);
    } else {
      expect(stored).toEqual({ a: { cursor: 50 }, b: { cursor: 50 } });
    }
    expect((await run(50)).summary.recordsEmitted).toBe(0);
    expect((await run(60)).summary.recordsEmitted).toBe(20);
    expect(rows(join(dir, 'out'), 'a').map((r) => r.id)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});

describe('tolerance', () => {
  it.each([
    ['type_last', { nested: true }],
    ['spaced', undefined],
  ])('a source writing %s messages with unknown fields and log lines on stdout still syncs', async (layout, unknown) => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 500, layout, noise_every: 100, records_per_state: 50 });
    const dest = jsonFile(dir, 'dest.json', { path: join(dir, 'out.jsonl') });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', fixture('echo-destination.mjs'), '--destination-config', dest, '--mode', 'items=incremental:append']);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({ recordsEmitted: 500, recordsCommitted: 500, statesCommitted: 11 });
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(500);
    // Forwarded as the source wrote them: unknown fields intact.
    expect(JSON.parse(lines[0]!).x_unknown).toEqual(unknown);
    expect(result.stderr).toContain('progress: 100 rows');
  });

  it('the Python source syncs with its legacy-style floats and spacing', async () => {
    const dir = tempDir();
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const result = await sync(['--source', fixture('python-source/source.py'), '--source-config', fixture('python-source/config.json'), '--destination', 'destination-local-json', '--destination-config', dest, '--catalog', fixture('python-source/configured_catalog.json')]);
    expect(result.exitCode).toBe(0);
    expect(result.summary.recordsCommitted).toBe(500);
    expect(result.summary.warnings).toEqual([]);
  });
});

describe('what connectors say besides records', () => {
  it('a CONTROL config update is written over the config file, the old one kept as .bak', async () => {
    const dir = tempDir();
    const original = { count: 10, refresh_token: 'fresh-token-123' };
    const source = jsonFile(dir, 'source.json', original);
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {})]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(source, 'utf8'))).toEqual({ count: 10, token: 'fresh-token-123' });
    expect(JSON.parse(readFileSync(`${source}.bak`, 'utf8'))).toEqual(original);
  });

  it("a source whose own record counts disagree with Sluice's is warned about", async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 20, records_per_state: 10, miscount: true });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {})]);
    expect(result.exitCode).toBe(0);
    expect(result.summary.warnings).toContain("the source's state for stream items says 11 records; Sluice counted 10");
  });
});

describe('failures', () => {
  it('a destination that never echoes state commits nothing and says so', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const source = jsonFile(dir, 'c.json', { count: 100, records_per_state: 10 });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', fixture('never-echoes-state.mjs'), '--destination-config', jsonFile(dir, 'd.json', {}), '--state', state]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: sync.state_not_echoed: destination ${fixture('never-echoes-state.mjs')} echoed none of the 11 states it received, so nothing was committed (a destination must emit each STATE message back once the records before it are stored)`);
    expect(result.summary).toMatchObject({ status: 'failed', recordsEmitted: 100, recordsCommitted: 0, statesCommitted: 0 });
    expect(existsSync(state)).toBe(false);
  });

  it('a destination that fails is reported with its message, and the source is stopped', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 100000 });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', fixture('fails-on-write.mjs'), '--destination-config', jsonFile(dir, 'd.json', {})]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toMatch(/^sluice: connector.failed: connector .*fails-on-write.mjs \(write\) failed/);
  });

  it('a record for a stream that is not in the catalog fails the sync', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 10, rogue_stream: 'zzz' });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, 'd.json', { path: join(dir, 'o.jsonl') })]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: sync.unknown_stream: source ${fixture('counter-source.mjs')} sent a record for stream zzz, which is not in the configured catalog`);
  });

  it('an unknown stream or an unsupported mode is refused before anything runs', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'f.json', { count: 5 });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const base = ['--source', 'source-faker', '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest];
    const unknown = await sync([...base, '--streams', 'users,orders']);
    expect(unknown.exitCode).toBe(2);
    expect(errorLine(unknown.stderr)).toBe('sluice: sync.catalog_mismatch: stream orders is not offered by the source (it offers: users, products, purchases)');
    const mode = await sync([...base, '--streams', 'users', '--mode', 'users=full_refresh:soft_delete']);
    expect(mode.exitCode).toBe(2);
    expect(errorLine(mode.stderr)).toMatch(/does not support soft_delete \(stream users\)/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a catalog file is checked against the streams it declares, and the source refuses a stream it does not have', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'f.json', { count: 5 });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const base = ['--source', 'source-faker', '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest];
    const stream = (name: string, modes: string[]) => ({ name, json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: modes });
    const unsupported = jsonFile(dir, 'unsupported.json', { streams: [{ stream: stream('users', ['full_refresh']), sync_mode: 'incremental', cursor_field: ['id'], destination_sync_mode: 'append' }] });
    const refused = await sync([...base, '--catalog', unsupported]);
    expect(refused.exitCode).toBe(2);
    expect(errorLine(refused.stderr)).toBe('sluice: sync.catalog_mismatch: stream users does not support sync mode incremental (it supports full_refresh)');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const unknown = jsonFile(dir, 'unknown.json', { streams: [{ stream: stream('orders', ['full_refresh']), sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] });
    const failed = await sync([...base, '--catalog', unknown, '--attempts', '1']);
    expect(failed.exitCode).toBe(1);
    expect(errorLine(failed.stderr)).toBe('sluice: connector.failed: connector source-faker (read) failed (config_error): stream orders does not exist in source-faker');
    expect(failed.summary).toMatchObject({ status: 'failed', recordsCommitted: 0 });
  });

  it('a source that goes silent is stopped after --source-timeout', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 100, delay_ms_every: [5, 60000] });
    const started = Date.now();
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-dev-null', '--destination-config', jsonFile(dir, 'd.json', {}), '--source-timeout', '1', '--attempts', '1']);
    expect(result.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(errorLine(result.stderr)).toBe(`sluice: sync.source_hung: source ${fixture('counter-source.mjs')} sent nothing for 1 s and was stopped`);
  });

  it('a transient failure is retried from the last committed state', async () => {
    const dir = tempDir();
    const source = jsonFile(dir, 'c.json', { count: 5000, records_per_state: 500, fail_once: { after: 2200, marker: join(dir, 'failed-once') } });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const result = await sync(['--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest, '--mode', 'items=incremental:append', '--state', join(dir, 'state.json'), '--attempts', '2', '--backoff', '0.1']);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(result.stderr).toMatch(/attempt 1 failed \(connector.failed: .*\(transient_error\): rate limited, try again\); retrying from the last committed state/);
    const ids = rows(join(dir, 'out'), 'items').map((r) => r.id);
    // The second attempt resumed at the last state committed before the failure (2000), not at 0.
    expect(ids.length).toBe(5000 + 200);
    expect(new Set(ids).size).toBe(5000);
  });

  it('Ctrl-C stops the source, lets the destination commit what it received, and exits 130', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const source = jsonFile(dir, 'c.json', { count: 1_000_000, records_per_state: 1000, delay_ms_every: [20_000, 200] });
    const dest = jsonFile(dir, 'dest.json', { destination_path: join(dir, 'out') });
    const run = execa(process.execPath, [sluiceBin, 'sync', '--json', '--source', fixture('counter-source.mjs'), '--source-config', source, '--destination', 'destination-local-json', '--destination-config', dest, '--mode', 'items=incremental:append', '--state', state], { reject: false });
    await waitUntil(() => existsSync(state), 30_000, 'the first commit');
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    const summary = JSON.parse(String(result.stdout));
    expect(summary.status).toBe('cancelled');
    expect(summary.recordsEmitted).toBeLessThan(1_000_000);
    // Everything the source emitted before it stopped reached the destination and was committed.
    const committed = JSON.parse(readFileSync(state, 'utf8'))[0].stream.stream_state.cursor;
    expect(rows(join(dir, 'out'), 'items').length).toBeGreaterThanOrEqual(committed);
    expect(committed).toBeGreaterThan(0);
    expect(errorLine(String(result.stderr))).toMatch(/^sluice: sync.interrupted: /);
  });
});
