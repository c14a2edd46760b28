// A connection's mappers wherever a connection is defined (issue 12): the CLI's --map, the YAML of apply/export and
// the REST API; each salt and key masked wherever shown, and never in any output, export, response or server log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine } from '../support/cli.js';
import { rows, workspace, type Workspace } from '../support/workspace.js';
import { api, startServe, type RunningServer } from '../support/server.js';

const SALT = 'pepper-salt-never-shown';
const KEY = '5e'.repeat(32);
const MASK = '**********';

async function fakerWorkspace(env: Record<string, string> = {}): Promise<Workspace> {
  const ws = workspace({ SALT, KEY, ...env });
  expect((await ws.run(['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', '{"count": 5}'])).exitCode).toBe(0);
  expect((await ws.run(['destination', 'create', 'void', '--connector', 'destination-dev-null', '--config-json', '{}'])).exitCode).toBe(0);
  return ws;
}

describe.concurrent('mappers with sluice connection', { timeout: 120_000 }, () => {
  it('create --map stores the steps in order; show prints them with the salt and key masked', async () => {
    const ws = await fakerWorkspace();
    const created = await ws.run([
      'connection', 'create', 'people', '--source', 'faker', '--destination', 'void', '--streams', 'users',
      '--map', 'users:select(id,email,name,updated_at)', '--map', 'users:rename(name=full_name)',
      '--map', 'users:hash(email,sha512,salt=env:SALT)', '--map', 'users:encrypt(full_name,key=env:KEY)',
      '--map', 'users:filter(keep id >= 2 and email is not null)', '--map', "users:expression(domain=$substringAfter(email,'@'))",
      '--map', 'users:on-error=skip',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('created connection people: 1 stream(s), schedule manual');
    const shown = await ws.run(['connection', 'show', 'people']);
    expect(JSON.parse(shown.stdout).mappers).toEqual({
      users: {
        on_error: 'skip',
        steps: [
          { type: 'select', fields: ['id', 'email', 'name', 'updated_at'] },
          { type: 'rename', field: 'name', to: 'full_name' },
          { type: 'hash', field: 'email', algorithm: 'sha512', salt: MASK },
          { type: 'encrypt', field: 'full_name', key: MASK },
          { type: 'filter', keep: { and: [{ field: 'id', ge: 2 }, { field: 'email', is_null: false }] } },
          { type: 'expression', field: 'domain', expression: "$substringAfter(email,'@')" },
        ],
      },
    });
    for (const output of [created.stdout, shown.stdout, shown.stderr, (await ws.run(['export'])).stdout]) {
      expect(output).not.toContain(SALT);
      expect(output).not.toContain(KEY);
    }
  });

  it('update --map adds after the stored steps and keeps their secrets; --clear-maps removes them', async () => {
    const ws = await fakerWorkspace();
    await ws.run(['connection', 'create', 'people', '--source', 'faker', '--destination', 'void', '--streams', 'users', '--map', 'users:hash(email,salt=env:SALT)']);
    expect((await ws.run(['connection', 'update', 'people', '--map', 'users:rename(name=full_name)'])).stdout).toBe('updated connection people');
    expect((await ws.json(['connection', 'update', 'people', '--schedule', 'every 1h'])).mappers).toEqual({
      users: { steps: [{ type: 'hash', field: 'email', salt: MASK }, { type: 'rename', field: 'name', to: 'full_name' }] },
    });
    expect((await ws.json(['connection', 'update', 'people', '--clear-maps', 'all'])).mappers).toBeNull();
  });

  it('refuses a mapper on a field the stream does not have, in one line, and stores nothing', async () => {
    const ws = await fakerWorkspace();
    const refused = await ws.run(['connection', 'create', 'people', '--source', 'faker', '--destination', 'void', '--streams', 'users', '--map', 'users:hash(phone)']);
    expect(refused.exitCode).toBe(2);
    expect(errorLine(refused.stderr)).toMatch(/^sluice: mapper\.invalid: users step 1 \(hash\).*phone/);
    const unknownStream = await ws.run(['connection', 'create', 'people', '--source', 'faker', '--destination', 'void', '--streams', 'users', '--map', 'orders:hash(id)']);
    expect(errorLine(unknownStream.stderr)).toBe('sluice: mapper.invalid: mappers for stream orders: the catalog has no such stream (it has: users)');
    const badFlag = await ws.run(['connection', 'create', 'people', '--source', 'faker', '--destination', 'void', '--map', 'users:hash(email,salt=pepper)']);
    expect(badFlag.exitCode).toBe(2);
    expect(errorLine(badFlag.stderr)).toBe('sluice: cli.usage: --map "users:hash(email,salt=pepper)": at column 23: salt must be env:VAR or file:PATH (a value on the command line is visible to other users) (see: sluice connection create --help)');
    expect((await ws.json(['connection', 'list'])).length).toBe(0);
  });

  it('refuses narrowing the streams while a removed stream still has mappers, naming it', async () => {
    const ws = await fakerWorkspace();
    await ws.run(['connection', 'create', 'both', '--source', 'faker', '--destination', 'void', '--streams', 'users,products', '--map', 'products:rename(name=title)']);
    const narrowed = await ws.run(['connection', 'update', 'both', '--streams', 'users']);
    expect(errorLine(narrowed.stderr)).toBe("sluice: mapper.invalid: mappers for stream products: this change removes the stream from the connection (its streams would be: users); remove the stream's mappers with it (on the command line: --clear-maps products)");
  });
});

describe('a stored connection with mappers, synced', { timeout: 120_000 }, () => {
  it('the job applies them: renamed and hashed fields arrive, filtered rows are counted, and the salt is in no log', async () => {
    const ws = await fakerWorkspace();
    const out = join(ws.dir, 'out');
    await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })]);
    const created = await ws.run([
      'connection', 'create', 'people', '--source', 'faker', '--destination', 'files', '--streams', 'users',
      '--map', 'users:select(id,email,name,updated_at)', '--map', 'users:rename(name=full_name)', '--map', 'users:hash(email,salt=env:SALT)',
      '--map', 'users:filter(drop id <= 2)',
    ]);
    expect(created.exitCode).toBe(0);
    const synced = await ws.run(['sync', 'people']);
    expect(synced.exitCode).toBe(0);
    const users = rows(out, 'users');
    expect(users.map((row) => row.id)).toEqual([3, 4, 5]);
    for (const row of users) {
      expect(Object.keys(row).sort()).toEqual(['email', 'full_name', 'id', 'updated_at']);
      expect(row.email).toMatch(/^[0-9a-f]{64}$/);
    }
    const plain = (await fakerEmails(ws, 5)).slice(2);
    expect(users.map((row) => row.email)).toEqual(plain.map((email) => createHash('sha256').update(SALT + email).digest('hex')));
    const logs = await ws.run(['logs', '1']);
    for (const output of [synced.stdout, synced.stderr, logs.stdout, logs.stderr]) expect(output).not.toContain(SALT);
  });

  it('composes with a stream prefix: the prefixed stream gets the mapped records, the other stream is untouched', async () => {
    const ws = await fakerWorkspace();
    const out = join(ws.dir, 'out');
    await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })]);
    const created = await ws.run([
      'connection', 'create', 'people', '--source', 'faker', '--destination', 'files', '--streams', 'users,products', '--prefix', 'crm_',
      '--map', 'users:rename(name=full_name)', '--map', 'users:filter(keep id >= 4)',
    ]);
    expect(created.exitCode).toBe(0);
    expect((await ws.run(['sync', 'people'])).exitCode).toBe(0);
    const users = rows(out, 'crm_users');
    expect(users.map((row) => [row.id, typeof row.full_name, 'name' in row])).toEqual([[4, 'string', false], [5, 'string', false]]);
    expect(rows(out, 'crm_products').length).toBeGreaterThan(0);
    expect(rows(out, 'crm_products').every((row) => 'name' in row)).toBe(true);
  });
});

/** The emails source-faker emits for its first `count` users, by a sync without mappers into a fresh destination. */
async function fakerEmails(ws: Workspace, count: number): Promise<string[]> {
  const out = join(ws.dir, 'plain');
  await ws.run(['destination', 'create', 'plain', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: out })]);
  await ws.run(['connection', 'create', 'plain', '--source', 'faker', '--destination', 'plain', '--streams', 'users']);
  expect((await ws.run(['sync', 'plain'])).exitCode).toBe(0);
  return rows(out, 'users').slice(0, count).map((row) => row.email);
}

describe.concurrent('mappers in apply and export', { timeout: 120_000 }, () => {
  it('apply takes ${VAR} secrets; export masks them and applies back unchanged; a new salt is an update', async () => {
    const ws = await fakerWorkspace();
    const file = join(ws.dir, 'sluice.yaml');
    const document = (salt: string) => `
connections:
  - name: people
    source: faker
    destination: void
    streams: [users]
    mappers:
      users:
        steps:
          - { type: hash, field: email, salt: "${salt}" }
          - { type: encrypt, field: name, key: "\${KEY}" }
          - { type: filter, drop: { field: age, lt: 21 } }
`;
    writeFileSync(file, document('${SALT}'));
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('created connection people');
    expect((await ws.run(['apply', '-f', file])).stdout).toBe('unchanged connection people');
    const exported = await ws.run(['export']);
    expect(exported.stdout).not.toContain(SALT);
    expect(exported.stdout).not.toContain(KEY);
    expect(exported.stdout).toContain('salt: "**********"');
    expect(exported.stdout).toContain('key: "**********"');
    const copy = join(ws.dir, 'exported.yaml');
    writeFileSync(copy, exported.stdout);
    expect((await ws.run(['apply', '-f', copy])).stdout).toBe('unchanged source faker\nunchanged destination void\nunchanged connection people');
    writeFileSync(file, document('another-salt'));
    const changed = await ws.run(['apply', '-f', file]);
    expect(changed.stdout).toBe('updated connection people: mappers');
    expect(changed.stdout + changed.stderr).not.toContain('another-salt');
    expect(JSON.parse((await ws.run(['connection', 'show', 'people'])).stdout).mappers.users.steps[0]).toEqual({ type: 'hash', field: 'email', salt: MASK });
  });
});

describe('mappers over the REST API', () => {
  let ws: Workspace;
  let server: RunningServer;
  let base: string;
  const call = (method: string, path: string, body?: unknown) => api(base, method, path, body);
  beforeAll(async () => {
    ws = workspace();
    server = await startServe(ws.env);
    base = `${server.url}/api/v1`;
    expect((await call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 1 } })).status).toBe(201);
    expect((await call('POST', '/destinations', { name: 'void', connector: 'destination-dev-null', config: {} })).status).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates with mappers, shows them masked, keeps a masked secret on update, and never logs a secret', async () => {
    const mappers = { users: { steps: [{ type: 'hash', field: 'email', salt: SALT }, { type: 'encrypt', field: 'name', key: KEY }] } };
    const created = await call('POST', '/connections', { name: 'people', source: 'faker', destination: 'void', streams: ['users'], mappers });
    expect(created.status).toBe(201);
    const masked = { users: { steps: [{ type: 'hash', field: 'email', salt: MASK }, { type: 'encrypt', field: 'name', key: MASK }] } };
    expect(created.body.mappers).toEqual(masked);
    const patched = await call('PATCH', '/connections/people', { mappers: { users: { on_error: 'skip', steps: masked.users.steps } } });
    expect(patched.status).toBe(200);
    expect(patched.body.mappers).toEqual({ users: { on_error: 'skip', ...masked.users } });
    const listed = await call('GET', '/connections');
    expect(JSON.stringify(listed.body)).not.toContain(SALT);
    const log = await server.stop();
    expect(log).not.toContain(SALT);
    expect(log).not.toContain(KEY);
    server = await startServe(ws.env);
    base = `${server.url}/api/v1`;
  });

  it('answers an invalid mapper with one 400 naming the stream, step and field', async () => {
    const unknownField = await call('POST', '/connections', {
      name: 'bad', source: 'faker', destination: 'void', streams: ['users'], mappers: { users: { steps: [{ type: 'rename', field: 'phone', to: 'mobile' }] } },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('mapper.invalid');
    expect(unknownField.body.error.message).toMatch(/^users step 1 \(rename\).*phone/);
    const missingTo = await call('POST', '/connections', {
      name: 'bad', source: 'faker', destination: 'void', streams: ['users'], mappers: { users: { steps: [{ type: 'rename', field: 'name' }] } },
    });
    expect(missingTo.status).toBe(400);
    expect(missingTo.body.error).toEqual({ code: 'api.bad_request', message: 'the request body needs "mappers.users.steps[0].to" (string)' });
    const masked = await call('POST', '/connections', {
      name: 'bad', source: 'faker', destination: 'void', streams: ['users'], mappers: { users: { steps: [{ type: 'hash', field: 'email', salt: MASK }] } },
    });
    expect(masked.status).toBe(400);
    expect(masked.body.error.message).toBe('users step 1 (hash), field email: salt is masked (**********) but no stored step at this place has one to keep; give the salt again');
    expect((await call('GET', '/connections/bad')).status).toBe(404);
  });
});
