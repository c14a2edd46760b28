// SIGKILL the source, the destination or Sluice itself mid-way through a 100k-record sync, then rerun: the
// destination must end up with exactly the source's records (append_dedup) or all of them (append). The kill lands
// at a deterministic point: when the source has written its Nth state (it writes a marker file then), a different
// N for each case, so the cases between them cover early, middle and late kills.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

const COUNT = 100_000;
type Victim = 'source' | 'destination' | 'sluice';

function syncArgs(dir: string, mode: string, marker: string, killAtState?: number): string[] {
  // The source pauses briefly every 10k records so that a kill lands mid-sync, not after it.
  const markAt = killAtState === undefined ? {} : { mark_at_state: { n: killAtState, path: join(dir, 'kill-now') } };
  const source = jsonFile(dir, `source-${killAtState ?? 'rerun'}.json`, { count: COUNT, records_per_state: 1000, delay_ms_every: [10_000, 60], ...markAt });
  const destination = jsonFile(dir, 'destination.json', { destination_path: join(dir, 'out') });
  return [
    'sync',
    '--source', fixture('counter-source.mjs'),
    '--source-config', source,
    '--destination', 'destination-local-json',
    '--destination-config', destination,
    '--mode', `items=incremental:${mode}`,
    '--state', join(dir, 'state.json'),
    '--source-env', `SLUICE_TEST_MARK=${marker}`,
    '--destination-env', `SLUICE_TEST_MARK=${marker}`,
    '--attempts', '1',
    '--json',
  ];
}

function connectorPid(marker: string, victim: 'source' | 'destination'): number | undefined {
  const name = victim === 'source' ? 'counter-source' : 'destination-local-json';
  return pidsWithEnv('SLUICE_TEST_MARK', marker).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name);
    } catch {
      return false;
    }
  });
}

function ids(dir: string): number[] {
  const path = join(dir, 'out', 'items.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line)._airbyte_data.id as number);
}

async function killMidSync(dir: string, mode: string, victim: Victim, atState: number): Promise<{ exitCode: number }> {
  const marker = randomUUID();
  const run = execa(process.execPath, [sluiceBin, ...syncArgs(dir, mode, marker, atState)], { reject: false });
  await waitUntil(() => existsSync(join(dir, 'kill-now')), 30_000, `the source's state ${atState}`);
  if (victim === 'sluice') run.kill('SIGKILL');
  else {
    const pid = connectorPid(marker, victim);
    if (pid === undefined) throw new Error(`no ${victim} process is running at the source's state ${atState}`);
    process.kill(pid, 'SIGKILL');
  }
  const result = await run;
  // Connectors orphaned by a killed Sluice see their pipes close and exit; wait for that before rerunning.
  await waitUntil(() => pidsWithEnv('SLUICE_TEST_MARK', marker).length === 0, 20_000, 'orphaned connectors to exit');
  return { exitCode: result.exitCode ?? 128 + 9 };
}

// Kill points (the source's Nth state of 100) per victim and mode: early, middle and late, each case its own.
const KILL_AT: Record<Victim, Record<string, number>> = {
  source: { append_dedup: 5, append: 50 },
  destination: { append_dedup: 30, append: 80 },
  sluice: { append_dedup: 15, append: 65 },
};

describe.each<Victim>(['source', 'destination', 'sluice'])('SIGKILL of the %s mid-sync, then a rerun', (victim) => {
  it.each(['append_dedup', 'append'])('%s: nothing is lost', async (mode) => {
    const dir = tempDir();
    const atState = KILL_AT[victim][mode]!;
    const killed = await killMidSync(dir, mode, victim, atState);
    const context = `killed the ${victim} when the source wrote state ${atState} (exit ${killed.exitCode})`;
    expect(killed.exitCode, context).not.toBe(0);
    const committedBefore = existsSync(join(dir, 'state.json')) ? JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) : [];
    const rerun = await sluice(syncArgs(dir, mode, randomUUID()));
    expect(rerun.exitCode, `${context}; rerun: ${rerun.stderr}`).toBe(0);
    const summary = JSON.parse(rerun.stdout);
    const resumedFrom = committedBefore[0]?.stream?.stream_state?.cursor ?? 0;
    // The rerun starts where the committed state says, not from the beginning.
    expect(summary.recordsEmitted, context).toBe(COUNT - resumedFrom);
    const seen = ids(dir);
    if (mode === 'append_dedup') {
      expect(seen.length, context).toBe(COUNT);
      expect(new Set(seen).size, context).toBe(COUNT);
    } else {
      expect(new Set(seen).size, context).toBe(COUNT);
      expect(seen.length, context).toBeGreaterThanOrEqual(COUNT);
    }
    expect(Math.min(...seen)).toBe(1);
    expect(Math.max(...seen)).toBe(COUNT);
  });
});
