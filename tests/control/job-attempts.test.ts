// A stored connection's job runs its attempts in one loop: the source is discovered once per job (for the schema
// check and the sync alike), a transient failure is retried from the last committed state, and each attempt is
// recorded with its own counts.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../support/cli.js';
import { rows, workspace } from '../support/workspace.js';

describe("a stored connection's job", { timeout: 60_000 }, () => {
  it('whose first attempt fails transiently discovers the source once and records two attempts', async () => {
    const ws = workspace();
    const out = join(ws.dir, 'out');
    const discovers = join(ws.dir, 'discovers.log');
    const config = { count: 30, records_per_state: 10, fail_once: { after: 15, marker: join(ws.dir, 'failed-once') }, discover_log: discovers };
    expect((await ws.run(['source', 'create', 'flaky-src', '--connector', fixture('counter-source.mjs'), '--config-json', JSON.stringify(config)])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'create', 'flaky', '--source', 'flaky-src', '--destination', 'files'])).stderr).toBe('');
    writeFileSync(discovers, ''); // creating the connection discovered the source; count the job's discovers only

    const result = await ws.json(['sync', 'flaky', '--backoff', '0.2', '--log-level', 'warn']);

    expect(readFileSync(discovers, 'utf8')).toBe('discover\n');
    expect(result).toMatchObject({ status: 'succeeded', attempts: 2, recordsCommitted: 30 });
    const [job] = await ws.json(['jobs', 'flaky']);
    expect(job).toMatchObject({ status: 'succeeded', recordsCommitted: 30 });
    expect(job.attempts).toBe(2);
    expect(job.attemptHistory.map((attempt: any) => [attempt.number, attempt.status, attempt.recordsEmitted, attempt.recordsCommitted, attempt.failureCode])).toEqual([
      [1, 'failed', 15, 10, 'connector.failed'],
      [2, 'succeeded', 20, 20, null],
    ]);
    expect(new Set(rows(out, 'items').map((row) => row.id)).size).toBe(30);
  });
});
