// A connector that leaves a background helper holding its stdout (`sleep 300 & exec node connector.mjs`): once the
// connector has exited, Sluice reads what it wrote, ends its process group and goes on, for every command.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fixture, jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

const wrapped = (target: string): string => `${fixture('with-background-helper.sh')} ${fixture(target)}`;
const source = wrapped('counter-source.mjs');
const destination = wrapped('echo-destination.mjs');
const catalog = {
  streams: [
    {
      stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    },
  ],
};

/** Runs sluice with a marker every connector process (and its helper) carries; fails if it takes 20 s. */
async function run(args: string[], input?: string) {
  const marker = randomUUID();
  const started = Date.now();
  const result = await sluice([...args, ...(args[0] === 'sync' ? ['--source-env', `MARK=${marker}`, '--destination-env', `MARK=${marker}`] : ['--env', `MARK=${marker}`])], {
    timeout: 20_000,
    ...(input === undefined ? {} : { input }),
  });
  const seconds = (Date.now() - started) / 1000;
  // Nothing of the connector, helper included, outlives the command.
  await waitUntil(() => pidsWithEnv('MARK', marker).length === 0, 5_000, 'the helper to be gone');
  return { ...result, seconds };
}

describe('a connector whose background helper holds its stdout', () => {
  it.each(['spec', 'check', 'discover'])('%s returns once the connector has exited', async (command) => {
    const dir = tempDir();
    const result = await run([command, source, ...(command === 'spec' ? [] : ['--config', jsonFile(dir, 'config.json', { count: 3 })]), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.seconds).toBeLessThan(15);
  });

  it('read prints everything the source wrote and returns', async () => {
    const dir = tempDir();
    const result = await run(['read', source, '--config', jsonFile(dir, 'config.json', { count: 3 }), '--catalog', jsonFile(dir, 'catalog.json', catalog)]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(jsonLines(result.stdout).filter((message) => message.type === 'RECORD').map((message) => message.record.data.id)).toEqual([1, 2, 3]);
  });

  it('write prints the echoed state and returns', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.jsonl');
    const state = '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"},"stream_state":{"cursor":1}}}}';
    const input = `{"type":"RECORD","record":{"stream":"items","data":{"id":1},"emitted_at":1}}\n${state}\n`;
    const result = await run(['write', destination, '--config', jsonFile(dir, 'config.json', { path: out }), '--catalog', jsonFile(dir, 'catalog.json', catalog)], input);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe(state);
    expect(readFileSync(out, 'utf8')).toContain('"id":1');
  });

  it('sync moves every record and commits, with helpers on both sides', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.jsonl');
    const result = await run([
      'sync',
      '--source', source,
      '--source-config', jsonFile(dir, 'source.json', { count: 3 }),
      '--destination', destination,
      '--destination-config', jsonFile(dir, 'destination.json', { path: out }),
      '--mode', 'items=full_refresh:append',
      '--json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 3 });
    expect(result.seconds).toBeLessThan(15);
  });
});

describe('a connector whose helper left its process group (setsid) and holds its stdout', () => {
  it('read prints everything the source wrote and returns soon after the source exited', async () => {
    const dir = tempDir();
    const marker = randomUUID();
    const started = Date.now();
    try {
      const result = await sluice([
        'read', `${fixture('with-detached-helper.sh')} ${fixture('counter-source.mjs')}`,
        '--config', jsonFile(dir, 'config.json', { count: 3 }),
        '--catalog', jsonFile(dir, 'catalog.json', catalog),
        '--env', `MARK=${marker}`,
      ], { timeout: 20_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(jsonLines(result.stdout).filter((message) => message.type === 'RECORD').map((message) => message.record.data.id)).toEqual([1, 2, 3]);
      expect((Date.now() - started) / 1000).toBeLessThan(10);
    } finally {
      // Out of Sluice's reach by design: the test ends it.
      for (const pid of pidsWithEnv('MARK', marker)) process.kill(pid, 'SIGKILL');
    }
  });
});
