// The summary's duration and records/s count the whole sync, set-up included (spec, config checks, discover), not
// only the data phase: a source whose discover takes 1.5 s shows at least 1.5 s. Real processes; the bound is a
// floor the fixture itself imposes, so a slow machine cannot make the test fail.
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';

it("counts the sync's set-up in its duration and records/s", async () => {
  const dir = tempDir();
  const result = await sluice([
    'sync', '--json',
    '--source', fixture('counter-source.mjs'), '--source-config', jsonFile(dir, 'source.json', { count: 10, discover_delay_ms: 1500 }),
    '--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, 'dest.json', { path: join(dir, 'out.jsonl') }),
  ]);
  expect(result.exitCode, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout);
  expect(summary.recordsCommitted).toBe(10);
  expect(summary.durationMs).toBeGreaterThanOrEqual(1500);
  expect(summary.recordsPerSecond).toBeLessThanOrEqual(10 / 1.5);
});
