// Relative paths in a stored source's or destination's config: resolved once, where the definition was made
// (the user's directory, or the apply file's), and stored absolute, so a sync from anywhere finds the same files.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';
import { rows, workspace } from '../support/workspace.js';
import { pathFields, resolveConfigPaths, resolvesLocalPaths } from '../../control/services/config-paths.js';

function twoDirs(base: string): { a: string; b: string } {
  const a = join(base, 'a');
  const b = join(base, 'b');
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, 'numbers.csv'), 'id,updated_at\n1,1\n2,2\n3,3\n');
  return { a, b };
}

describe.concurrent('relative paths in stored configs', { timeout: 150_000 }, () => {
  it('are resolved where the source or destination is created: a sync from elsewhere reads and writes there, and the next one moves nothing new', async () => {
    const ws = workspace();
    const { a, b } = twoDirs(ws.dir);
    const fileConfig = { path: 'numbers.csv', cursor_field: 'updated_at', primary_key: 'id' };
    expect((await ws.run(['source', 'create', 'csv', '--connector', 'source-file', '--config-json', JSON.stringify(fileConfig)], { cwd: a })).exitCode).toBe(0);
    const created = await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', '{"destination_path":"out"}', '--json'], { cwd: a });
    expect(JSON.parse(created.stdout).config).toEqual({ destination_path: join(a, 'out') });
    expect(JSON.parse((await ws.run(['source', 'show', 'csv'])).stdout).config.path).toBe(join(a, 'numbers.csv'));
    const connection = await ws.run(['connection', 'create', 'csv-to-files', '--source', 'csv', '--destination', 'files'], { cwd: b });
    expect(connection.exitCode, connection.stderr).toBe(0);
    const first = await ws.run(['sync', 'csv-to-files', '--json'], { cwd: b });
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'succeeded', recordsCommitted: 3 });
    expect(rows(join(a, 'out'), 'numbers').map((row) => row.id)).toEqual([1, 2, 3]);
    expect(existsSync(join(b, 'out'))).toBe(false);
    const second = await ws.run(['sync', 'csv-to-files', '--json'], { cwd: repoRoot });
    // Only the row at the saved cursor is read again (the kit's cursor is inclusive); append_dedup keeps one copy.
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'succeeded', recordsEmitted: 1 });
    expect(rows(join(a, 'out'), 'numbers').map((row) => row.id)).toEqual([1, 2, 3]);
    // An update's new config is resolved where the update runs.
    const moved = await ws.run(['destination', 'update', 'files', '--config-json', '{"destination_path":"elsewhere"}', '--json'], { cwd: b });
    expect(JSON.parse(moved.stdout).config).toEqual({ destination_path: join(b, 'elsewhere') });
  });

  it('in an apply file mean the file\'s directory, whatever directory apply runs in', async () => {
    const ws = workspace();
    const { a, b } = twoDirs(ws.dir);
    const file = join(a, 'sluice.yaml');
    writeFileSync(file, `sources:
  - name: csv
    connector: source-file
    config: { path: numbers.csv, cursor_field: updated_at, primary_key: id }
destinations:
  - name: files
    connector: destination-local-json
    config: { destination_path: out }
connections:
  - name: csv-to-files
    source: csv
    destination: files
`);
    const applied = await ws.run(['apply', '-f', file], { cwd: b });
    expect(applied.stdout, applied.stderr).toBe('created source csv\ncreated destination files\ncreated connection csv-to-files');
    expect((await ws.json(['destination', 'list']))[0].config).toEqual({ destination_path: join(a, 'out') });
    expect((await ws.run(['apply', '-f', 'a/sluice.yaml'], { cwd: ws.dir })).stdout).toBe('unchanged source csv\nunchanged destination files\nunchanged connection csv-to-files');
    expect(JSON.parse((await ws.run(['sync', 'csv-to-files', '--json'], { cwd: b })).stdout)).toMatchObject({ recordsCommitted: 3 });
    expect(rows(join(a, 'out'), 'numbers')).toHaveLength(3);
  });
});

describe.concurrent('the built-in connectors\' path fields', { timeout: 150_000 }, () => {
  for (const [kind, connector, field] of [
    ['source', 'source-file', 'path'],
    ['source', 'source-sqlite-py', 'database_path'],
    ['destination', 'destination-csv', 'destination_path'],
    ['destination', 'destination-sqlite', 'database_path'],
    ['destination', 'destination-local-json', 'destination_path'],
  ] as const) {
    it(`${connector}: ${field} is stored absolute`, async () => {
      const ws = workspace();
      // The files do not exist: the check would refuse them, and the test is about the stored path.
      const created = await ws.run([kind, 'create', 'x', '--connector', connector, '--no-check', '--config-json', JSON.stringify({ [field]: 'data/x.db' }), '--json'], { cwd: ws.dir });
      expect(created.exitCode, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout).config[field]).toBe(join(ws.dir, 'data/x.db'));
    });
  }
});

describe('which config fields are paths', () => {
  const spec = {
    type: 'object',
    properties: {
      path: { type: 'string', format: 'path' },
      name: { type: 'string' },
      files: { type: 'array', items: { type: 'string', format: 'path' } },
      tls: { oneOf: [{ type: 'object', properties: { ca_file: { type: 'string', format: 'path' } } }] },
    },
  };

  it('are the spec properties with format "path", nested ones and array items included', () => {
    expect(pathFields(spec)).toEqual([['path'], ['files', '*'], ['tls', 'ca_file']]);
  });

  it('are made absolute only when relative: URLs, absolute paths and ~ stay as written', () => {
    const config = { path: 'data/x.csv', name: 'keep/me', files: ['a.csv', '/abs/b.csv', 'https://example.com/c.csv', '~/d.csv'], tls: { ca_file: 'ca.pem' } };
    expect(resolveConfigPaths(config, pathFields(spec), '/base')).toEqual({
      path: '/base/data/x.csv',
      name: 'keep/me',
      files: ['/base/a.csv', '/abs/b.csv', 'https://example.com/c.csv', '~/d.csv'],
      tls: { ca_file: '/base/ca.pem' },
    });
    expect(config.path).toBe('data/x.csv');
  });

  it('are left alone for a Docker connector, whose paths mean the container', () => {
    expect(resolvesLocalPaths('docker:sluice/destination-local-json:dev')).toBe(false);
    expect(resolvesLocalPaths('destination-local-json')).toBe(true);
  });
});
