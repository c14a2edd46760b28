// Every mapper validation error end to end, wherever mappers are given: `sluice connection create --map`,
// `connection update --map`, `sluice sync --mappers FILE`, `sluice apply -f FILE` (exit 2, one `sluice:` line) and
// the REST API (POST and PATCH /connections: HTTP 400, code mapper.invalid), each with the same message naming the
// stream, the step and the field; nothing is saved when refused. One workspace and one server for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { errorLine, jsonFile } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type RunningServer } from '../support/server.js';

const KEY = 'ab'.repeat(32);
const SHORT_KEY = 'abc123-not-a-key';
const USERS_FIELDS = 'id, name, email, age, created_at, updated_at';
const NO_FIELD = (field: string, step: string) => `users step 1 (${step}), field ${field}: the stream's schema has no such field (it has: ${USERS_FIELDS})`;
/** What --map's own parser prints for a step it cannot express (the step never reaches the planner). */
const MAP_USAGE = (spec: string, column: number, message: string) =>
  `sluice: cli.usage: --map ${JSON.stringify(spec)}: at column ${column}: ${message} (see: sluice connection create --help)`;

interface Case {
  what: string;
  /** The steps (in files and API bodies), keyed by stream. */
  mappers: Record<string, { steps: object[] }>;
  /** The same as --map flags. */
  map: string[];
  /** The message after `mapper.invalid: ` (the API: the error's message). */
  message: string;
  /** When --map cannot express the step: the one line its parser prints instead. */
  mapLine?: string;
  /** users read incrementally (cursor updated_at) rather than in full. */
  incremental?: boolean;
}

const users = (...steps: object[]) => ({ users: { steps } });

const CASES: Case[] = [
  {
    what: 'an unknown stream',
    mappers: { orders: { steps: [{ type: 'hash', field: 'id' }] } },
    map: ['orders:hash(id)'],
    message: 'mappers for stream orders: the catalog has no such stream (it has: users)',
  },
  { what: 'select of a field the schema does not have', mappers: users({ type: 'select', fields: ['id', 'phone'] }), map: ['users:select(id,phone)'], message: NO_FIELD('phone', 'select') },
  { what: 'rename of a field the schema does not have', mappers: users({ type: 'rename', field: 'phone', to: 'mobile' }), map: ['users:rename(phone=mobile)'], message: NO_FIELD('phone', 'rename') },
  { what: 'hash of a field the schema does not have', mappers: users({ type: 'hash', field: 'phone' }), map: ['users:hash(phone)'], message: NO_FIELD('phone', 'hash') },
  { what: 'encrypt of a field the schema does not have', mappers: users({ type: 'encrypt', field: 'phone', key: KEY }), map: ['users:encrypt(phone,key=env:KEY)'], message: NO_FIELD('phone', 'encrypt') },
  { what: 'filter on a field the schema does not have', mappers: users({ type: 'filter', keep: { field: 'phone', eq: '1' } }), map: ['users:filter(keep phone = 1)'], message: NO_FIELD('phone', 'filter') },
  {
    what: 'select dropping a primary-key field',
    mappers: users({ type: 'select', fields: ['name', 'email', 'updated_at'] }),
    map: ['users:select(name,email,updated_at)'],
    message: 'users step 1 (select), field id: is in the primary key, so select must keep it',
  },
  {
    what: 'select dropping the cursor of an incremental stream',
    mappers: users({ type: 'select', fields: ['id', 'name'] }),
    map: ['users:select(id,name)'],
    message: 'users step 1 (select), field updated_at: is in the cursor, so select must keep it',
    incremental: true,
  },
  {
    what: 'rename onto a field that exists',
    mappers: users({ type: 'rename', field: 'name', to: 'email' }),
    map: ['users:rename(name=email)'],
    message: 'users step 1 (rename), field name: cannot rename to email, which already exists',
  },
  {
    what: 'a hash algorithm Sluice does not have',
    mappers: users({ type: 'hash', field: 'email', algorithm: 'sha1' }),
    map: ['users:hash(email,sha1)'],
    message: 'users step 1 (hash), field email: algorithm sha1 is not one of sha256, sha512 or md5',
    mapLine: MAP_USAGE('users:hash(email,sha1)', 18, 'unknown hash option "sha1" (expected sha256, sha512, md5, new, or salt=env:VAR|file:PATH)'),
  },
  {
    what: 'an encrypt key that is not 64 hexadecimal characters',
    mappers: users({ type: 'encrypt', field: 'name', key: SHORT_KEY }),
    map: ['users:encrypt(name,key=env:SHORT_KEY)'],
    message: 'users step 1 (encrypt), field name: key must be 64 hexadecimal characters (32 bytes)',
  },
  {
    what: 'a JSONata expression that does not compile',
    mappers: users({ type: 'expression', field: 'domain', expression: "$substringAfter(email, '@'" }),
    map: ["users:expression(domain=$substringAfter(email, '@')"],
    message: 'users step 1 (expression), field domain: the expression does not compile: Expected ")" before end of expression (at character 26)',
  },
  {
    what: 'a filter condition of the wrong shape',
    mappers: users({ type: 'filter', keep: { field: 'age', between: [18, 65] } }),
    map: ['users:filter(keep age between 18 and 65)'],
    message: 'users step 1 (filter), field age: keep must have exactly one of eq, ne, in, lt, le, gt, ge, is_null besides field (it has: between)',
    mapLine: MAP_USAGE('users:filter(keep age between 18 and 65)', 23, 'expected =, !=, <, <=, >, >=, in, not in or is after age, found between'),
  },
];

describe('mapper validation errors, end to end', { timeout: 120_000 }, () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);
  const modeFlags = (testCase: Case) => (testCase.incremental ? ['--mode', 'users=incremental:append'] : []);
  const applyStreams = (testCase: Case) => (testCase.incremental ? [{ name: 'users', syncMode: 'incremental', destinationSyncMode: 'append' }] : ['users']);

  beforeAll(async () => {
    ws = workspace({ KEY, SHORT_KEY });
    const setup = [
      ['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', '{"count": 3}'],
      ['destination', 'create', 'void', '--connector', 'destination-dev-null', '--config-json', '{}'],
      ['connection', 'create', 'full', '--source', 'faker', '--destination', 'void', '--streams', 'users'],
      ['connection', 'create', 'incremental', '--source', 'faker', '--destination', 'void', '--streams', 'users', '--mode', 'users=incremental:append'],
      ['connection', 'create', 'both', '--source', 'faker', '--destination', 'void', '--streams', 'users,products', '--map', 'products:rename(name=title)'],
    ];
    for (const args of setup) expect((await ws.run(args)).exitCode).toBe(0);
    jsonFile(ws.dir, 'faker.json', { count: 3 });
    jsonFile(ws.dir, 'void.json', {});
    server = await startServe(ws.env);
    base = `${server.url}/api/v1`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A refused CLI run: exit 2, exactly one `sluice:` line, no key in any output. */
  function expectRefused(result: { exitCode: number; stderr: string; stdout: string }, line: string, channel: string): void {
    expect({ channel, exitCode: result.exitCode, line: errorLine(result.stderr) }).toEqual({ channel, exitCode: 2, line });
    expect(result.stderr.split('\n').filter((text) => text.startsWith('sluice: '))).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(SHORT_KEY);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  }

  // One case after another: the processes of a case run at once, and several cases at once only compete for CPU.
  describe('each refused with the same line everywhere', () => {
    it.each(CASES.map((testCase, index) => [testCase.what, index] as const))('%s', async (_what, index) => {
      const testCase = CASES[index]!;
      const line = `sluice: mapper.invalid: ${testCase.message}`;
      const mapFlags = testCase.map.flatMap((spec) => ['--map', spec]);
      const mappersFile = jsonFile(ws.dir, `mappers-${index}.json`, testCase.mappers);
      const applyFile = join(ws.dir, `apply-${index}.yaml`);
      writeFileSync(applyFile, JSON.stringify({ connections: [{ name: `applied-${index}`, source: 'faker', destination: 'void', streams: applyStreams(testCase), mappers: testCase.mappers }] }));
      const stored = testCase.incremental ? 'incremental' : 'full';
      const [created, updated, synced, applied, posted, patched] = await Promise.all([
        ws.run(['connection', 'create', `created-${index}`, '--source', 'faker', '--destination', 'void', '--streams', 'users', ...modeFlags(testCase), ...mapFlags]),
        ws.run(['connection', 'update', stored, ...mapFlags]),
        ws.run([
          'sync', '--source', 'source-faker', '--source-config', join(ws.dir, 'faker.json'), '--destination', 'destination-dev-null',
          '--destination-config', join(ws.dir, 'void.json'), '--streams', 'users', ...modeFlags(testCase), '--mappers', mappersFile,
        ]),
        ws.run(['apply', '-f', applyFile]),
        call('POST', '/connections', {
          name: `posted-${index}`, source: 'faker', destination: 'void', streams: ['users'], mappers: testCase.mappers,
          ...(testCase.incremental ? { overrides: { users: { syncMode: 'incremental', destinationSyncMode: 'append' } } } : {}),
        }),
        call('PATCH', `/connections/${stored}`, { mappers: testCase.mappers }),
      ]);
      expectRefused(created, testCase.mapLine ?? line, 'connection create --map');
      expectRefused(updated, testCase.mapLine ?? line, 'connection update --map');
      expectRefused(synced, line, 'sync --mappers');
      expectRefused(applied, line, 'apply');
      for (const [channel, response] of [['POST', posted], ['PATCH', patched]] as const) {
        expect({ channel, status: response.status, error: response.body.error }).toEqual({ channel, status: 400, error: { code: 'mapper.invalid', message: testCase.message } });
        expect(JSON.stringify(response.body)).not.toContain(SHORT_KEY);
      }
    });
  });

  it('narrowing the streams while a removed stream has mappers: refused naming the stream, on the CLI, in apply and over the API', async () => {
    const message = "mappers for stream products: this change removes the stream from the connection (its streams would be: users); remove the stream's mappers with it (on the command line: --clear-maps products)";
    const applyFile = join(ws.dir, 'apply-narrow.yaml');
    const products = { products: { steps: [{ type: 'rename', field: 'name', to: 'title' }] } };
    writeFileSync(applyFile, JSON.stringify({ connections: [{ name: 'both', source: 'faker', destination: 'void', streams: ['users'], mappers: products }] }));
    const [updated, applied, patched] = await Promise.all([
      ws.run(['connection', 'update', 'both', '--streams', 'users']),
      ws.run(['apply', '-f', applyFile]),
      call('PATCH', '/connections/both', { streams: ['users'] }),
    ]);
    expectRefused(updated, `sluice: mapper.invalid: ${message}`, 'connection update --streams');
    expectRefused(applied, `sluice: mapper.invalid: ${message}`, 'apply');
    expect({ status: patched.status, error: patched.body.error }).toEqual({ status: 400, error: { code: 'mapper.invalid', message } });
  });

  it('nothing refused was saved: only the connections made before, their streams and mappers as they were', async () => {
    const connections = await ws.json(['connection', 'list']);
    expect(connections.map((connection: { name: string }) => connection.name).sort()).toEqual(['both', 'full', 'incremental']);
    const byName = Object.fromEntries(connections.map((connection: { name: string }) => [connection.name, connection]));
    expect(byName.full.mappers).toBeNull();
    expect(byName.incremental.mappers).toBeNull();
    expect(byName.both.mappers).toEqual({ products: { steps: [{ type: 'rename', field: 'name', to: 'title' }] } });
    expect(byName.both.streams.map((stream: { name: string }) => stream.name)).toEqual(['users', 'products']);
  });
});
