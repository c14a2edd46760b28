// Definitions in version control (apply/export), schema changes met at sync time under each policy, and
// webhooks retried with backoff; all through the real CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { diffCatalogs, describeDiff } from '../../control/services/schema-changes.js';

const counter = fixture('counter-source.mjs');

describe.concurrent('sluice apply and export', { timeout: 150_000 }, () => {
  it('creates, then leaves unchanged, then updates by name; export masks secrets and applies back unchanged', async () => {
    const ws = workspace({ LEAKY_PASSWORD: 'hunter2-from-env' });
    const file = join(ws.dir, 'sluice.yaml');
    const document = (schedule: string) => `
sources:
  - name: numbers
    connector: ${counter}
    config: { count: 10, secret: "\${LEAKY_PASSWORD}" }
destinations:
  - name: files
    connector: destination-local-json
    config: { destination_path: ${join(ws.dir, 'out')} }
connections:
  - name: numbers-to-files
    source: numbers
    destination: files
    streams: [items]
    schedule: ${schedule}
    schemaChangePolicy: propagate
`;
    writeFileSync(file, document('every 1h'));
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('created source numbers\ncreated destination files\ncreated connection numbers-to-files');
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('unchanged source numbers\nunchanged destination files\nunchanged connection numbers-to-files');
    writeFileSync(file, document('"0 3 * * *"'));
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('unchanged source numbers\nunchanged destination files\nupdated connection numbers-to-files: schedule');

    const exported = await ws.run(['export']);
    expect(exported.stdout).not.toContain('hunter2');
    expect(exported.stdout).toContain('secret: "**********"');
    expect(exported.stdout).toContain('schedule: 0 3 * * *');
    const copy = join(ws.dir, 'exported.yaml');
    writeFileSync(copy, exported.stdout);
    expect((await ws.run(['apply', '-f', copy])).stdout).toBe('unchanged source numbers\nunchanged destination files\nunchanged connection numbers-to-files');
    expect((await ws.json(['sync', 'numbers-to-files'])).recordsCommitted).toBe(10);
  });

  it('names the variable a file needs and the field that is missing', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'sluice.yaml');
    writeFileSync(file, 'sources:\n  - name: s\n    connector: source-faker\n    config: { count: 1, seed: "${NOT_SET_ANYWHERE}" }\n');
    const missingVariable = await ws.run(['apply', '-f', file]);
    expect(missingVariable.exitCode).toBe(2);
    expect(errorLine(missingVariable.stderr)).toBe(`sluice: apply.invalid: ${file}: sources[0].config.seed uses \${NOT_SET_ANYWHERE}, but NOT_SET_ANYWHERE is not set`);
    writeFileSync(file, 'connections:\n  - name: c\n    source: s\n');
    expect(errorLine((await ws.run(['apply', '-f', file])).stderr)).toBe(`sluice: apply.invalid: ${file}:2: connections[0]: "destination" is required`);
    writeFileSync(file, 'things: []\n');
    expect(errorLine((await ws.run(['apply', '-f', file])).stderr)).toBe(`sluice: apply.invalid: ${file}:1: unknown key things (expected sources, destinations, connections)`);
    writeFileSync(file, 'sources:\n  - name: s\n    connector: source-faker\n  - name: s\n    connector: source-faker\n');
    expect(errorLine((await ws.run(['apply', '-f', file])).stderr)).toBe(`sluice: apply.invalid: ${file}:4: sources[1]: the name s is used twice in sources`);
    writeFileSync(file, 'connections:\n  - name: c\n    source: s\n    destination: d\n    schemaChangePolicy: sometimes\n');
    expect(errorLine((await ws.run(['apply', '-f', file])).stderr)).toBe(`sluice: apply.invalid: ${file}:5: connections[0].schemaChangePolicy: must be one of ignore, propagate, pause`);
  });

  it('refuses an unknown key, naming its line, and changes nothing', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'sluice.yaml');
    const document = (extra: string) => `sources:
  - name: numbers
    connector: ${counter}
    config: { count: 3 }
destinations:
  - name: files
    connector: destination-local-json
    config: { destination_path: ${join(ws.dir, 'out')} }
connections:
  - name: numbers-to-files
    source: numbers
    destination: files
${extra}`;
    writeFileSync(file, document('    schedule: every 1h\n'));
    expect((await ws.run(['apply', '-f', file])).exitCode).toBe(0);
    writeFileSync(file, document('    shedule: every 2h\n'));
    const misspelt = await ws.run(['apply', '-f', file]);
    expect(misspelt.exitCode).toBe(2);
    expect(misspelt.stdout).toBe('');
    expect(errorLine(misspelt.stderr)).toBe(`sluice: apply.invalid: ${file}:13: connections[0]: unknown key shedule (did you mean schedule?)`);
    writeFileSync(file, document('    streams:\n      - name: items\n        cursor: [updated_at]\n'));
    expect(errorLine((await ws.run(['apply', '-f', file])).stderr)).toBe(
      `sluice: apply.invalid: ${file}:15: connections[0].streams[0]: unknown key cursor (expected name, namespace, syncMode, destinationSyncMode, cursorField, primaryKey)`,
    );
    expect(JSON.parse((await ws.run(['connection', 'show', 'numbers-to-files'])).stdout).schedule).toBe('every 1h');
    // A field the file leaves out keeps its stored value.
    writeFileSync(file, document(''));
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('unchanged source numbers\nunchanged destination files\nunchanged connection numbers-to-files');
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const ws = workspace();
    const file = join(ws.dir, 'sluice.yaml');
    const document = (count: number, schedule: string) => `sources:
  - name: numbers
    connector: ${counter}
    config: { count: ${count} }
destinations:
  - name: files
    connector: destination-local-json
    config: { destination_path: ${join(ws.dir, 'out')} }
connections:
  - name: numbers-to-files
    source: numbers
    destination: files
    schedule: ${schedule}
`;
    writeFileSync(file, document(3, 'every 1h'));
    const plan = await ws.run(['apply', '-f', file, '--dry-run']);
    expect(plan.stdout).toBe('would create source numbers\nwould create destination files\nwould create connection numbers-to-files');
    expect(await ws.json(['source', 'list'])).toEqual([]);
    expect(await ws.json(['connection', 'list'])).toEqual([]);
    expect((await ws.run(['apply', '-f', file])).exitCode).toBe(0);
    writeFileSync(file, document(4, 'every 2h'));
    const update = await ws.run(['apply', '-f', file, '--dry-run', '--json']);
    expect(JSON.parse(update.stdout)).toEqual({
      dryRun: true,
      changes: [
        { kind: 'source', name: 'numbers', action: 'updated', fields: ['config.count'] },
        { kind: 'destination', name: 'files', action: 'unchanged' },
        { kind: 'connection', name: 'numbers-to-files', action: 'updated', fields: ['schedule'] },
      ],
    });
    expect((await ws.json(['source', 'list']))[0].config).toEqual({ count: 3 });
    expect((await ws.json(['connection', 'list']))[0].schedule).toBe('every 1h');
    writeFileSync(file, document(3, 'every 1h').replace('source: numbers', 'source: nowhere'));
    expect(errorLine((await ws.run(['apply', '-f', file, '--dry-run'])).stderr)).toBe(
      'sluice: source.not_found: connection numbers-to-files: no source named nowhere, in the workspace or the file',
    );
  });
});

async function twoStreamSource(ws: Workspace, policy: string): Promise<string> {
  const out = join(ws.dir, 'out');
  await ws.run(['source', 'create', 'numbers', '--connector', counter, '--config-json', JSON.stringify({ count: 5, streams: ['a'] })]);
  await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })]);
  const created = await ws.run(['connection', 'create', 'numbers-to-files', '--source', 'numbers', '--destination', 'files', '--schema-change', policy]);
  expect(created.exitCode).toBe(0);
  expect((await ws.run(['source', 'update', 'numbers', '--config-json', JSON.stringify({ count: 5, streams: ['a', 'b'] })])).exitCode).toBe(0);
  return out;
}

/** Syncs under policy propagate: stream b is announced, added to the connection and synced (its 5 rows in `out`); `committed` is each stream's records committed. */
async function expectPropagated(ws: Workspace, out: string, committed: Array<[string, number]>): Promise<void> {
  const result = await ws.run(['sync', 'numbers-to-files', '--json']);
  expect(result.stderr).toContain(`the source's schema changed: new stream b (policy: propagate)`);
  expect(JSON.parse(result.stdout).streams.map((stream: any) => [stream.stream, stream.recordsCommitted])).toEqual(committed);
  expect((await ws.json(['connection', 'list']))[0].streams.map((stream: any) => stream.name)).toEqual(['a', 'b']);
  expect(rows(out, 'b')).toHaveLength(5);
}

describe.concurrent('schema changes at sync time', { timeout: 150_000 }, () => {
  it('ignore: syncs the stored streams, shows the diff once', async () => {
    const ws = workspace();
    const out = await twoStreamSource(ws, 'ignore');
    const first = await ws.run(['sync', 'numbers-to-files', '--json']);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain(`"msg":"the source's schema changed: new stream b (policy: ignore)"`);
    expect(JSON.parse(first.stdout).streams.map((stream: any) => stream.stream)).toEqual(['a']);
    const second = await ws.run(['sync', 'numbers-to-files']);
    expect(second.stderr).not.toContain('schema changed');
    expect(rows(out, 'b')).toEqual([]);
  });

  it('propagate: adds the new stream to the connection and syncs it', async () => {
    const ws = workspace();
    const out = await twoStreamSource(ws, 'propagate');
    await expectPropagated(ws, out, [['a', 5], ['b', 5]]);
  });

  it('ignore, then propagate: a stream first seen while ignoring is added once the policy is propagate', async () => {
    const ws = workspace();
    const out = await twoStreamSource(ws, 'ignore');
    const ignored = await ws.json(['sync', 'numbers-to-files']);
    expect(ignored.streams.map((stream: any) => stream.stream)).toEqual(['a']);
    expect((await ws.run(['connection', 'update', 'numbers-to-files', '--schema-change', 'propagate'])).exitCode).toBe(0);
    await expectPropagated(ws, out, [['a', 0], ['b', 5]]);
  });

  it('propagate adds only streams the source did not offer before, never one left out on purpose', async () => {
    const ws = workspace();
    await ws.run(['source', 'create', 'numbers', '--connector', counter, '--config-json', JSON.stringify({ count: 3, streams: ['a', 'skipped'] })]);
    await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, 'out') })]);
    const created = await ws.run(['connection', 'create', 'numbers-to-files', '--source', 'numbers', '--destination', 'files', '--streams', 'a', '--schema-change', 'ignore']);
    expect(created.exitCode, created.stderr).toBe(0);
    await ws.run(['source', 'update', 'numbers', '--config-json', JSON.stringify({ count: 3, streams: ['a', 'skipped', 'b'] })]);
    expect((await ws.run(['sync', 'numbers-to-files'])).exitCode).toBe(0);
    await ws.run(['connection', 'update', 'numbers-to-files', '--schema-change', 'propagate']);
    expect((await ws.run(['sync', 'numbers-to-files'])).exitCode).toBe(0);
    expect((await ws.json(['connection', 'list']))[0].streams.map((stream: any) => stream.name)).toEqual(['a', 'b']);
    const again = await ws.run(['sync', 'numbers-to-files']);
    expect(again.stderr).not.toContain('schema changed');
  });

  it('pause: disables the connection and fails the job, naming the change', async () => {
    const ws = workspace();
    await twoStreamSource(ws, 'pause');
    const result = await ws.run(['sync', 'numbers-to-files']);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(
      "sluice: schema.changed: the source's schema changed (new stream b); connection numbers-to-files is paused by its schema change policy (review it, then: sluice connection update numbers-to-files --refresh-catalog && sluice connection enable numbers-to-files)",
    );
    const [connection] = await ws.json(['connection', 'list']);
    expect(connection).toMatchObject({ status: 'inactive', statusReason: 'schema changed: new stream b' });
    const [job] = await ws.json(['jobs']);
    expect(job).toMatchObject({ status: 'failed', failureCode: 'schema.changed' });
  });

  it('finds columns added and removed in configured streams', () => {
    const stream = (properties: string[]) => ({
      name: 'users', json_schema: { type: 'object', properties: Object.fromEntries(properties.map((name) => [name, {}])) }, supported_sync_modes: ['full_refresh' as const],
    });
    const stored = { streams: [{ stream: stream(['id', 'phone']), sync_mode: 'full_refresh' as const, destination_sync_mode: 'overwrite' as const }] };
    const diff = diffCatalogs(stored, null, { streams: [stream(['id', 'email']), { ...stream([]), name: 'orders' }] });
    expect(diff).toEqual({ newStreams: ['orders'], removedStreams: [], columns: [{ stream: 'users', added: ['email'], removed: ['phone'] }] });
    expect(describeDiff(diff)).toBe('new stream orders; users: +email -phone');
  });
});

describe('webhooks', () => {
  let server: Server;
  let url: string;
  const received: Array<{ event: string; body: any; answered: number }> = [];
  let failNext = 1;
  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const answered = failNext-- > 0 ? 500 : 200;
        received.push({ event: String(request.headers['x-sluice-event']), body: JSON.parse(text), answered });
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('are sent on success, failure and schema change, and retried with backoff after a 5xx', async () => {
    const ws = workspace({ SLUICE_WEBHOOK_BACKOFF_MS: '100' });
    const created = (await ws.run(['webhook', 'create', 'ops', '--url', url, '--events', 'job.succeeded,job.failed,connection.schema_changed'])).stdout.split('\n');
    expect(created[0]).toBe('created webhook ops for job.succeeded, job.failed, connection.schema_changed');
    expect(created[1]).toMatch(/^signing secret \(shown once; verify the webhook-signature header with it\): whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toHaveLength(2);
    expect((await ws.run(['webhook', 'list', '--json'])).stdout).not.toContain(created[1]!.split(': ')[1]);
    await twoStreamSource(ws, 'pause');
    await ws.run(['sync', 'numbers-to-files']);
    expect(received.map((item) => [item.event, item.answered])).toEqual([
      ['connection.schema_changed', 500],
      ['job.failed', 200],
      ['connection.schema_changed', 200],
    ]);
    const change = received.find((item) => item.event === 'connection.schema_changed')!.body;
    expect(change).toMatchObject({ event: 'connection.schema_changed', connection: { name: 'numbers-to-files', policy: 'pause' }, summary: 'new stream b', paused: true });
    const failed = received.find((item) => item.event === 'job.failed')!.body;
    expect(failed.job).toMatchObject({ status: 'failed', failure: { code: 'schema.changed' } });

    received.length = 0;
    await ws.run(['connection', 'update', 'numbers-to-files', '--refresh-catalog', '--schema-change', 'ignore']);
    await ws.run(['connection', 'enable', 'numbers-to-files']);
    expect((await ws.run(['sync', 'numbers-to-files'])).exitCode).toBe(0);
    expect(received.map((item) => item.event)).toEqual(['job.succeeded']);
    expect(received[0]!.body.job).toMatchObject({ status: 'succeeded', recordsCommitted: 10, failure: null });
  });
});
