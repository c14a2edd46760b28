// A source that sends no STATE: the summary says the records were written and that nothing was checkpointed, so
// the next sync starts from the beginning, instead of "0 of 5 records committed". Real processes.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';

const NOTE = 'the source sent no STATE: its 5 records were written but not checkpointed, so the next sync starts from the beginning';

function args(dir: string): string[] {
  const out = join(dir, 'out.jsonl');
  return ['sync', '--source', fixture('sends-no-state.mjs'), '--source-config', jsonFile(dir, 'source.json', {}), '--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, 'dest.json', { path: out })];
}

describe.concurrent('a source that sends no STATE', () => {
  it('is summarised as records written and not checkpointed, for a person', async () => {
    const dir = tempDir();
    const result = await sluice(args(dir));
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^sync succeeded in \d+\.\d s: 5 records written, none checkpointed, \d+ records\/s, [\d.]+ MB\/s$/);
    expect(lines).toContain(`warning: ${NOTE}`);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(5);
  });

  it('is summarised as records written and not checkpointed, in --json', async () => {
    const result = await sluice([...args(tempDir()), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', recordsEmitted: 5, recordsWritten: 5, recordsCommitted: 0, statesEmitted: 0 });
    expect(summary.warnings).toEqual([NOTE]);
  });
});
