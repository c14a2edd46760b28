// `sluice test-connector`: the built-in connectors and a Python source pass the acceptance tests; each
// deliberately broken fixture fails them, naming the test it breaks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine, fixture, jsonFile, repoRoot, sluice, tempDir } from '../support/cli.js';

const dir = tempDir();
const brokenConfig = jsonFile(dir, 'broken-good.json', { api_key: 'good-key' });
const brokenInvalid = jsonFile(dir, 'broken-bad.json', { api_key: 'bad' });

/** The row of one test in the printed table: [result, detail]. */
function row(stdout: string, name: string): [string, string] | undefined {
  const match = new RegExp(`^${name.replace('.', '\\.')}\\s+(PASS|FAIL|SKIP)\\s+(.*)$`, 'm').exec(stdout);
  return match ? [match[1]!, match[2]!] : undefined;
}

describe.concurrent('connectors that pass', () => {
  it('source-faker passes every test that applies to a source, and exits 0', async () => {
    const config = jsonFile(dir, 'faker.json', { count: 50 });
    const result = await sluice(['test-connector', 'source-faker', '--config', config]);
    expect(result.exitCode).toBe(0);
    expect(errorLine(result.stderr)).toBeUndefined();
    expect(result.stdout.split('\n')[0]).toBe('source-faker: tested as a source (a built-in source)');
    expect(result.stdout.split('\n')[1]).toMatch(/^TEST\s+RESULT\s+DETAIL$/);
    expect(row(result.stdout, 'read.records')).toEqual(['PASS', '105 records: users 50, products 5, purchases 50']);
    expect(row(result.stdout, 'check.invalid_config_fails')).toEqual(['SKIP', 'no invalid config given (--config-invalid)']);
    expect(row(result.stdout, 'destination.write')).toEqual(['SKIP', 'a source is not written to']);
    expect(result.stdout).toMatch(/^16 passed, 0 failed, 2 skipped$/m);
  });

  it('the Python source passes, with its bad config rejected by check, and its api_key never printed', async () => {
    const result = await sluice([
      'test-connector',
      fixture('python-source/source.py'),
      '--config',
      fixture('python-source/config.json'),
      '--config-invalid',
      fixture('python-source/config-bad.json'),
    ]);
    expect(result.exitCode).toBe(0);
    expect(row(result.stdout, 'check.invalid_config_fails')).toEqual(['PASS', 'FAILED: authentication failed: the API key was rejected']);
    expect(row(result.stdout, 'spec.secrets_marked')).toEqual(['PASS', 'secret-like field(s) all marked airbyte_secret: api_key']);
    expect(row(result.stdout, 'incremental.future_state')).toEqual([
      'PASS',
      'no records from a state far in the future (numbers.updated_at = 9007199254740991)',
    ]);
    expect(result.stdout).toMatch(/^17 passed, 0 failed, 1 skipped$/m);
    expect(`${result.stdout}${result.stderr}`).not.toContain('good-key');
  });

  it('destination-local-json passes the write test and keeps what it was sent', async () => {
    const out = join(tempDir(), 'out');
    const config = jsonFile(dir, 'local-json.json', { destination_path: out });
    const result = await sluice(['test-connector', 'destination-local-json', '--config', config]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      'destination-local-json: tested as a destination (a built-in destination)',
    );
    expect(row(result.stdout, 'destination.write')).toEqual([
      'PASS',
      '3 records and 1 STATE (append) written; the STATE was echoed and the destination exited 0',
    ]);
    expect(row(result.stdout, 'read.records')).toEqual(['SKIP', 'a destination does not discover or read']);
    expect(existsSync(join(out, 'sluice_acceptance.jsonl'))).toBe(true);
  });

  it('destination-dev-null passes, reported as JSON', async () => {
    const config = jsonFile(dir, 'dev-null.json', {});
    const result = await sluice(['test-connector', 'destination-dev-null', '--config', config, '--json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ connector: 'destination-dev-null', kind: 'destination', passed: 5, failed: 0, skipped: 13 });
    expect(report.results).toHaveLength(18);
    expect(report.results.find((r: { name: string }) => r.name === 'destination.write')).toMatchObject({ result: 'pass' });
  });

  it('a source whose spec also lists supported_destination_sync_modes is tested as a source, because discover answers with streams', async () => {
    const config = jsonFile(dir, 'declares-modes.json', { count: 5 });
    const result = await sluice(['test-connector', fixture('source-declares-destination-modes.mjs'), '--config', config]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`${fixture('source-declares-destination-modes.mjs')}: tested as a source (discover returned a CATALOG with 1 stream)`);
    expect(row(result.stdout, 'read.records')).toEqual(['PASS', '5 records: items 5']);
    expect(row(result.stdout, 'destination.write')).toEqual(['SKIP', 'a source is not written to']);
    expect(result.stdout).toMatch(/^16 passed, 0 failed, 2 skipped$/m);
  });

  it('a destination run by path, whose discover fails as unsupported, is recognised by its destination sync modes', async () => {
    const config = jsonFile(dir, 'local-json-path.json', { destination_path: join(tempDir(), 'out') });
    const path = join(repoRoot, 'dist/connectors/destination-local-json/main.js');
    const result = await sluice(['test-connector', path, '--config', config]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`${path}: tested as a destination (discover failed and its spec declares supported_destination_sync_modes)`);
    expect(row(result.stdout, 'destination.write')?.[0]).toBe('PASS');
  });

  it('a destination that declares no sync modes is recognised by its discover answering no CATALOG', async () => {
    const config = jsonFile(dir, 'echo.json', { path: join(tempDir(), 'echo.jsonl') });
    const invalid = jsonFile(dir, 'echo-bad.json', {});
    const result = await sluice(['test-connector', fixture('echo-destination.mjs'), '--config', config, '--config-invalid', invalid]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('tested as a destination (discover exited 0 without a CATALOG)');
    expect(row(result.stdout, 'check.invalid_config_fails')).toEqual(['PASS', 'FAILED: config field "path" (a file path) is required']);
  });
});

describe('deliberately broken connectors fail, naming the test they break', () => {
  const cases: Array<[fixture: string, test: string, detail: RegExp]> = [
    ['secret-not-marked.mjs', 'spec.secrets_marked', /^secret-like field\(s\) without airbyte_secret: true: password$/],
    ['schema-mismatch.mjs', 'read.records_match_schema', /^5 of 5 records do not match their stream's schema: items record 1 \(id=1\): \/id must be integer, \/name must be string;/],
    ['cursor-not-in-schema.mjs', 'discover.cursors_in_schema', /^items: default_cursor_field modified_at is not in its json_schema$/],
    ['check-crashes.mjs', 'check.invalid_config_fails', /^crashed: exited with code 1 without a CONNECTION_STATUS or TRACE ERROR; stderr: TypeError: Cannot read properties/],
    ['duplicate-streams.mjs', 'discover.catalog', /^duplicate stream name\(s\): items$/],
  ];

  it.concurrent.each(cases)('%s fails %s', async (file, test, detail) => {
    const result = await sluice(['test-connector', fixture(`broken/${file}`), '--config', brokenConfig, '--config-invalid', brokenInvalid]);
    expect(result.exitCode).toBe(1);
    const [outcome, text] = row(result.stdout, test) ?? [];
    expect(outcome).toBe('FAIL');
    expect(text).toMatch(detail);
    expect(errorLine(result.stderr)).toBe(`sluice: acceptance.failed: 1 of 17 acceptance tests failed: ${test}`);
  });

  it('ignores-state.mjs fails both the resume and the future-state tests', async () => {
    const result = await sluice(['test-connector', fixture('broken/ignores-state.mjs'), '--config', brokenConfig]);
    expect(result.exitCode).toBe(1);
    expect(row(result.stdout, 'incremental.resumes_from_state')?.[1]).toMatch(
      /^4 of 5 records read from the state are older than its cursor: items record 1 \(id=1\): updated_at 2024-01-01T00:00:00Z < 2024-01-05T00:00:00Z from the state;/,
    );
    expect(row(result.stdout, 'incremental.future_state')?.[1]).toMatch(
      /^5 records from a state far in the future \(items\.updated_at = 9999-12-31T23:59:59Z\): /,
    );
    expect(errorLine(result.stderr)).toBe(
      'sluice: acceptance.failed: 2 of 16 acceptance tests failed: incremental.resumes_from_state, incremental.future_state',
    );
  });
});

describe('a source with a 64-bit cursor (beyond 2^53)', () => {
  it('passes the incremental tests, compares and prints its cursors with every digit', async () => {
    const config = jsonFile(dir, 'big-cursor.json', { count: 3 });
    const result = await sluice(['test-connector', fixture('big-cursor-source.mjs'), '--config', config]);
    expect(result.stdout + result.stderr).not.toMatch(/1234567890123456300/); // rounded form of …201…203
    expect(row(result.stdout, 'incremental.resumes_from_state')).toEqual(['PASS', expect.stringContaining('events.seq >= 1234567890123456203')]);
    // 2^53-1 is below this cursor: the far-future state is 2^63-1, written as exact digits.
    expect(row(result.stdout, 'incremental.future_state')).toEqual(['PASS', expect.stringContaining('events.seq = 9223372036854775807')]);
    expect(result.exitCode).toBe(0);
  });
});
