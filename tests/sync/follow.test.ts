// `sluice sync --follow`: the sync runs until SIGTERM, the source gets SLUICE_FOLLOW=1 and is fed back exactly the
// states that were committed (their original lines), the destination gets SLUICE_COMMIT_INTERVAL_MS, a source that
// crashes is restarted from the last committed state, and a source that does not follow is read in back-to-back
// batches. Real processes: the fixtures follows-with-feedback.mjs and reads-in-batches.mjs, destination-local-json.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fixture, jsonFile, sluice, sluiceBin, tempDir } from '../support/cli.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function ids(dir: string): number[] {
  return lines(join(dir, 'out', 'changes.jsonl')).map((line) => JSON.parse(line)._airbyte_data.id as number);
}

function lsnOf(stateLine: string): number {
  return JSON.parse(stateLine).state.global.shared_state.lsn as number;
}

/** Starts `sluice sync --follow` with `source` (a fixture) and its config; returns the running process. */
function follow(dir: string, source: string, sourceConfig: Record<string, unknown>, marker: string, extra: string[] = []) {
  return execa(process.execPath, [
    sluiceBin, 'sync',
    '--source', fixture(source),
    '--source-config', jsonFile(dir, 'source.json', sourceConfig),
    '--destination', 'destination-local-json',
    '--destination-config', jsonFile(dir, 'destination.json', { destination_path: join(dir, 'out') }),
    '--mode', 'changes=incremental:append',
    '--state', join(dir, 'state.json'),
    '--source-env', `SLUICE_TEST_MARK=${marker}`,
    '--destination-env', `SLUICE_TEST_MARK=${marker}`,
    '--follow',
    '--backoff', '0.1',
    '--json',
    ...extra,
  ], { reject: false, timeout: 60_000 });
}

async function stop(run: ReturnType<typeof follow>, marker: string) {
  run.kill('SIGTERM');
  const result = await run;
  await waitUntil(() => pidsWithEnv('SLUICE_TEST_MARK', marker).length === 0, 10_000, 'the connectors to exit');
  return { exitCode: result.exitCode, summary: JSON.parse(String(result.stdout)) };
}

describe('sluice sync --follow', () => {
  it('delivers records while running, feeds the source exactly the committed states, and stops on SIGTERM with exit 130', async () => {
    const dir = tempDir();
    const marker = randomUUID();
    const fed = join(dir, 'fed');
    const emitted = join(dir, 'emitted');
    const run = follow(dir, 'follows-with-feedback.mjs', { per_state: 5, interval_ms: 20, max_id: 200, fed_path: fed, emitted_path: emitted }, marker, ['--commit-interval', '250']);

    await waitUntil(() => ids(dir).length >= 20, 20_000, 'records in the destination while the sync runs');
    expect(run.exitCode).toBeNull();
    // The destination is told the commit interval.
    expect(pidsWithEnv('SLUICE_COMMIT_INTERVAL_MS', '250').length).toBeGreaterThan(0);
    // The source stops at id 200 and keeps running; the last committed state is fed back once it is persisted.
    await waitUntil(() => lines(fed).some((line) => lsnOf(line) === 200), 20_000, 'the state of id 200 fed back');
    const stored = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const fedLines = lines(fed);
    expect(JSON.parse(fedLines.at(-1)!).state).toEqual(stored[0]);
    // Every line fed back is one the source emitted, byte for byte, in the order it emitted them, each once.
    const emittedLines = lines(emitted);
    const positions = fedLines.map((line) => emittedLines.indexOf(line));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);

    const { exitCode, summary } = await stop(run, marker);
    expect(exitCode).toBe(130);
    expect(summary.status).toBe('cancelled');
    expect(summary.recordsCommitted).toBe(200);
    expect(summary.follow).toMatchObject({ position: '0/C8', restarts: 0 });
    expect(summary.follow.lagMs).toBeGreaterThanOrEqual(0);
    expect(summary.follow.streams.changes.lagMs).toBeGreaterThanOrEqual(0);
    expect(ids(dir)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
  }, 60_000);

  it('restarts a source that crashed from the last committed state', async () => {
    const dir = tempDir();
    const marker = randomUUID();
    const starts = join(dir, 'starts');
    const crashed = join(dir, 'crashed');
    const fed = join(dir, 'fed');
    const run = follow(dir, 'follows-with-feedback.mjs', {
      per_state: 5, interval_ms: 20, max_id: 100, fed_path: fed, starts_path: starts, crash_marker: crashed, crash_at_lsn: 30,
    }, marker);

    await waitUntil(() => lines(starts).length === 2 && lines(fed).some((line) => lsnOf(line) === 100), 20_000, 'the restarted source to reach id 100');
    // The source emits nothing past id 30 until it crashed on being fed the state of 30: it restarts from there.
    expect(lines(starts).map(Number)).toEqual([0, 30]);
    const { exitCode, summary } = await stop(run, marker);
    expect(exitCode).toBe(130);
    expect(summary.follow.restarts).toBe(1);
    expect(summary.attempts).toBe(2);
    expect(summary.follow.position).toBe('0/64');
    // Everything before the crash was committed, so nothing is delivered twice and nothing is missing.
    expect(ids(dir)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
  }, 60_000);

  it('reads a source that does not follow in back-to-back batches, each from the last committed state', async () => {
    const dir = tempDir();
    const marker = randomUUID();
    const starts = join(dir, 'starts');
    const run = follow(dir, 'reads-in-batches.mjs', { batch: 5, starts_path: starts }, marker);

    await waitUntil(() => lines(starts).length >= 4, 20_000, 'four runs of the source');
    const { exitCode, summary } = await stop(run, marker);
    expect(exitCode).toBe(130);
    const runs = lines(starts).map(Number);
    expect(runs.slice(0, 4)).toEqual([0, 5, 10, 15]);
    expect(summary.follow.restarts).toBeGreaterThanOrEqual(3);
    // Runs of a source that ended well are one attempt: a continuous job does not gain an attempt every few seconds.
    expect(summary.attempts).toBe(1);
    // Each run read on from the last committed state: ids 1..N once each. The stop may land between a record the
    // destination already got and its state (the destination commits what it received; the next run would read it
    // again), so N is at least the records committed.
    const delivered = ids(dir);
    expect(delivered).toEqual(Array.from({ length: delivered.length }, (_, index) => index + 1));
    expect(delivered.length).toBeGreaterThanOrEqual(summary.recordsCommitted);
    expect(summary.recordsCommitted).toBeGreaterThanOrEqual(15);
  }, 60_000);

  it('refuses --commit-interval without --follow, and one that is not a positive whole number', async () => {
    const dir = tempDir();
    const common = ['sync', '--source', fixture('reads-in-batches.mjs'), '--source-config', jsonFile(dir, 's.json', {}), '--destination', 'destination-local-json', '--destination-config', jsonFile(dir, 'd.json', { destination_path: join(dir, 'out') })];
    const without = await sluice([...common, '--commit-interval', '500']);
    expect(without.exitCode).toBe(2);
    expect(without.stderr).toContain('sluice: cli.usage: --commit-interval is for a sync with --follow');
    const bad = await sluice([...common, '--follow', '--commit-interval', '0.5']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('sluice: cli.usage: --commit-interval 0.5: expected a positive whole number of milliseconds');
  });
});
