// A connection whose schema-change policy is propagate, with mappers, when the source changes under it: a stream the
// source no longer offers is dropped with its mappers and a warning naming it (in the job's summary and log), the
// other streams' mappers still apply; a field a mapper step needs that the source no longer has fails the job in one
// mapper.invalid line naming the change, the stream, the step and the field, and leaves the connection as it was.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { api, startServe } from '../support/server.js';

/** `sluice connection show` (it prints JSON), without its last job. */
async function show(ws: Workspace, name: string): Promise<any> {
  const { lastJob: _lastJob, ...connection } = JSON.parse((await ws.run(['connection', 'show', name])).stdout);
  return connection;
}

describe.concurrent('schema change propagation and mappers', { timeout: 120_000 }, () => {
  it('a removed stream: its mappers are dropped with a warning naming it, and the job succeeds with the rest mapped', async () => {
    const ws = workspace();
    const out = join(ws.dir, 'out');
    const source = (streams: string[]) => JSON.stringify({ count: 3, streams });
    expect((await ws.run(['source', 'create', 'counter', '--connector', fixture('counter-source.mjs'), '--config-json', source(['items', 'orders'])])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })])).exitCode).toBe(0);
    const created = await ws.run([
      'connection', 'create', 'shop', '--source', 'counter', '--destination', 'files', '--streams', 'items,orders', '--schema-change', 'propagate',
      '--map', 'items:rename(payload=body)', '--map', 'orders:rename(payload=note)', '--map', 'orders:filter(drop id = 2)',
    ]);
    expect(created.exitCode, created.stderr).toBe(0);
    expect((await ws.run(['sync', 'shop'])).exitCode).toBe(0);
    expect(rows(out, 'orders').map((row) => row.id)).toEqual([1, 3]);

    expect((await ws.run(['source', 'update', 'counter', '--config-json', source(['items'])])).exitCode).toBe(0);
    const synced = await ws.run(['sync', 'shop', '--json']);
    expect(synced.exitCode, synced.stderr).toBe(0);
    const warning = "stream orders is no longer offered by the source: the schema change policy (propagate) removed it from the connection, and its mappers (2 steps) with it";
    const summary = JSON.parse(synced.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', warnings: [warning] });
    expect(rows(out, 'items').slice(-3).map((row) => Object.keys(row).sort())).toEqual(Array(3).fill(['body', 'id', 'updated_at']));
    const shown = await show(ws, 'shop');
    expect(shown.streams.map((stream: { name: string }) => stream.name)).toEqual(['items']);
    expect(shown.mappers).toEqual({ items: { steps: [{ type: 'rename', field: 'payload', to: 'body' }] } });
    const id = (await ws.json(['jobs', 'shop']))[0].id as number;
    expect((await ws.run(['logs', String(id)])).stdout).toContain(warning);
    const server = await startServe(ws.env);
    try {
      expect((await api(`${server.url}/api/v1`, 'GET', `/jobs/${id}`)).body.summary.warnings).toEqual([warning]);
    } finally {
      await server.stop();
    }
  });

  it('a removed field a mapper step needs: the job fails in one line naming the change, stream, step and field; the connection stays as it was', async () => {
    const ws = workspace();
    const csv = join(ws.dir, 'people.csv');
    writeFileSync(csv, 'id,name,email\n1,Ann,ann@example.com\n2,Bo,bo@example.com\n');
    expect((await ws.run(['source', 'create', 'file', '--connector', 'source-file', '--config-json', JSON.stringify({ path: csv })])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'void', '--connector', 'destination-dev-null', '--config-json', '{}'])).exitCode).toBe(0);
    const created = await ws.run(['connection', 'create', 'people', '--source', 'file', '--destination', 'void', '--schema-change', 'propagate', '--map', 'people:rename(name=full_name)', '--map', 'people:hash(email)']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect((await ws.run(['sync', 'people'])).exitCode).toBe(0);
    const before = await show(ws, 'people');

    writeFileSync(csv, 'id,name\n1,Ann\n2,Bo\n');
    const line = "sluice: mapper.invalid: the source's schema changed (people: -email) and the connection's mappers do not fit it: " +
      "people step 2 (hash), field email: the stream's schema has no such field (it has: id, full_name) " +
      '(change the mappers, e.g. sluice connection update people --clear-maps STREAM --map …, then sync again)';
    for (const run of [1, 2]) {
      const failed = await ws.run(['sync', 'people']);
      expect({ run, exitCode: failed.exitCode, line: errorLine(failed.stderr) }).toEqual({ run, exitCode: 2, line });
      expect(failed.stderr.split('\n').filter((text) => text.startsWith('sluice: '))).toHaveLength(1);
    }
    const jobs = await ws.json(['jobs', 'people']);
    expect(jobs[0]).toMatchObject({ status: 'failed', failureCode: 'mapper.invalid', failureMessage: line.slice('sluice: mapper.invalid: '.length).replace(/ \(change the mappers.*$/, '') });
    expect(await show(ws, 'people')).toEqual(before);

    const fixed = await ws.run(['connection', 'update', 'people', '--clear-maps', 'people', '--map', 'people:rename(name=full_name)']);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect((await ws.run(['sync', 'people'])).exitCode).toBe(0);
    expect((await show(ws, 'people')).mappers).toEqual({ people: { steps: [{ type: 'rename', field: 'name', to: 'full_name' }] } });
  });
});
