// A destination that never reads its input, or never exits, cannot hang Sluice: every wait is bounded by
// --destination-timeout, one SIGTERM stops the source and gives the destination that long to finish, a second one
// stops everything at once; each ends in one error line naming the connector, and no process of either connector
// survives Sluice.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { errorLine, fixture } from '../support/cli.js';
import { startMarkedSync } from '../support/marked-sync.js';
import { pidsWithEnv, waitUntil } from '../support/processes.js';

type Destination = 'destination-never-reads.mjs' | 'destination-never-exits.mjs';

function start(destination: Destination, count: number, extra: string[] = []) {
  const { run, marker, mark } = startMarkedSync({ destination, source: { count, records_per_state: 100 }, state: true, extra, timeout: 60_000 });
  let stderr = '';
  run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { run, marker, mark, stderr: () => stderr };
}

const commandLine = (pid: number): string => {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    return `${pid} (gone)`;
  }
};

async function finished(started: ReturnType<typeof start>) {
  const result = await started.run;
  expect(result.timedOut, 'sluice hung').toBe(false);
  // Nothing of either connector survives Sluice (checked right away: Sluice waited for them, or killed them).
  expect(pidsWithEnv('MARK', started.mark).map(commandLine), started.stderr()).toEqual([]);
  const errors = started.stderr().split('\n').filter((line) => line.startsWith('sluice: '));
  expect(errors).toHaveLength(1);
  return { exitCode: result.exitCode, error: errorLine(started.stderr()) };
}

describe('a destination that never reads or never exits', () => {
  it('never reads: the sync fails after --destination-timeout, naming the destination', async () => {
    const started = start('destination-never-reads.mjs', 50_000, ['--destination-timeout', '1']);
    const { exitCode, error } = await finished(started);
    expect(exitCode).toBe(1);
    expect(error).toBe(`sluice: sync.destination_hung: destination ${fixture('destination-never-reads.mjs')} took no input for 1 s and was stopped`);
  });

  it('never exits: the sync fails once the destination has had --destination-timeout to exit after its input ended', async () => {
    const started = start('destination-never-exits.mjs', 10, ['--destination-timeout', '1']);
    const { exitCode, error } = await finished(started);
    expect(exitCode).toBe(1);
    expect(error).toBe(`sluice: sync.destination_hung: destination ${fixture('destination-never-exits.mjs')} did not exit within 1 s of the end of its input and was stopped; every state it received was committed, so the sync is not retried`);
  });

  it('never exits after every state was committed: one attempt, not a retry that re-does the whole sync', async () => {
    const began = Date.now();
    const started = start('destination-never-exits.mjs', 420, ['--destination-timeout', '3', '--attempts', '3']);
    const { exitCode, error } = await finished(started);
    const elapsed = Date.now() - began;
    expect(exitCode).toBe(1);
    expect(error).toBe(`sluice: sync.destination_hung: destination ${fixture('destination-never-exits.mjs')} did not exit within 3 s of the end of its input and was stopped; every state it received was committed, so the sync is not retried`);
    const { stdout } = await started.run;
    expect(stdout).toMatch(/^sync failed in \d+\.\d s: 420 of 420 records committed/m); // no "after 3 attempts"
    // One attempt: the 3 s wait, the fixture's kill grace and start-up (8.5 s measured); two would take 17 s of
    // waits alone (3 s + grace, 1 s backoff, 3 s + grace), three took 31 s.
    expect(elapsed).toBeLessThan(15_000);
  });

  it.each<Destination>(['destination-never-reads.mjs', 'destination-never-exits.mjs'])('%s, one SIGTERM: the destination gets --destination-timeout to finish, then is stopped; exit 130', async (destination) => {
    const started = start(destination, destination === 'destination-never-reads.mjs' ? 50_000 : 10, ['--destination-timeout', '2']);
    await waitUntil(() => existsSync(started.marker), 30_000, 'the destination to start');
    started.run.kill('SIGTERM');
    const { exitCode, error } = await finished(started);
    expect(exitCode).toBe(130);
    expect(error).toBe(`sluice: sync.interrupted: the sync was interrupted and destination ${fixture(destination)} did not finish within 2 s, so it was stopped; what it acknowledged before is committed`);
  });

  it.each<Destination>(['destination-never-reads.mjs', 'destination-never-exits.mjs'])('%s, two SIGTERMs: everything is stopped at once; exit 143', async (destination) => {
    const started = start(destination, destination === 'destination-never-reads.mjs' ? 50_000 : 10);
    await waitUntil(() => existsSync(started.marker), 30_000, 'the destination to start');
    started.run.kill('SIGTERM');
    // The second signal once Sluice has taken the first (it says so in its log).
    await waitUntil(() => started.stderr().includes('send it again to stop at once'), 10_000, 'the first SIGTERM to be taken');
    started.run.kill('SIGTERM');
    const { exitCode, error } = await finished(started);
    expect(exitCode).toBe(143);
    expect(error).toMatch(new RegExp(`^sluice: cli.force_stopped: stopped at once by a second SIGTERM; killed .*${fixture(destination).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });
});
