// Every bad input ends in one clear error line on stderr (no stack trace) and a non-zero exit.
import { describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, fixture, jsonFile, sluice, tempDir } from '../support/cli.js';
import { workspace } from '../support/workspace.js';

const dir = tempDir();
const catalog = jsonFile(dir, 'catalog.json', {
  streams: [{ stream: { name: 'numbers', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
});
const empty = jsonFile(dir, 'empty.json', {});

function expectOneErrorLine(stderr: string, expected: string | RegExp): void {
  const line = errorLine(stderr);
  expect(line).toEqual(typeof expected === 'string' ? expected : expect.stringMatching(expected));
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('bad config files', () => {
  it('a missing config file is named', async () => {
    const result = await sluice(['check', 'source-faker', '--config', join(dir, 'nope.json')]);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, `sluice: file.not_found: config file ${join(dir, 'nope.json')} does not exist`);
  });

  it('an unreadable config file is named', async () => {
    const path = jsonFile(dir, 'locked.json', {});
    chmodSync(path, 0o000);
    // root can read anything: make it a directory instead, which nobody can read as a file.
    const unreadable = process.getuid?.() === 0 ? dir : path;
    const result = await sluice(['check', 'source-faker', '--config', unreadable]);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, new RegExp(`^sluice: file.unreadable: config file ${unreadable} cannot be read \\(EISDIR|EACCES`));
  });

  it('invalid JSON is located by line and column', async () => {
    const path = jsonFile(dir, 'broken.json', '{\n  "count": 3,\n  oops\n}');
    const result = await sluice(['check', 'source-faker', '--config', path]);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, new RegExp(`^sluice: file.invalid_json: config file ${path} is not valid JSON: line 3, column 3`));
  });

  it('a config that violates the spec names the field', async () => {
    const path = jsonFile(dir, 'wrong.json', { count: 'many' });
    const result = await sluice(['check', 'source-faker', '--config', path]);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, new RegExp(`^sluice: config.invalid: ${path}: /count must be integer`));
    const missing = await sluice(['discover', 'source-faker', '--config', empty]);
    expectOneErrorLine(missing.stderr, new RegExp(`^sluice: config.invalid: ${empty}: /count is required`));
  });
});

describe('bad connector references', () => {
  it('a path that does not exist', async () => {
    const result = await sluice(['spec', './no/such/connector']);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, /^sluice: connector.not_found: connector .\/no\/such\/connector: .*no\/such\/connector does not exist/);
  });

  it('a file that is not executable', async () => {
    const path = join(dir, 'not-executable.sh');
    writeFileSync(path, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    const result = await sluice(['spec', path]);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, `sluice: connector.not_executable: connector ${path}: ${path} is not executable (chmod +x ${path}, or name its interpreter first, e.g. "python3 ${path}")`);
  });

  it('a name that is neither built in nor on PATH', async () => {
    const result = await sluice(['spec', 'source-nonexistent']);
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, /^sluice: connector.not_found: connector source-nonexistent: "source-nonexistent" is not a built-in connector/);
  });
});

describe('misbehaving connectors', () => {
  it('garbage lines on stdout are logged, never forwarded, and the read still succeeds', async () => {
    const result = await sluice(['read', fixture('emits-garbage-line.mjs'), '--config', empty, '--catalog', catalog]);
    expect(result.exitCode).toBe(0);
    const types = result.stdout.trim().split('\n').map((line) => JSON.parse(line).type);
    expect(new Set(types)).toEqual(new Set(['RECORD', 'STATE']));
    expect(result.stderr).toMatch(/not a JSON object|not valid JSON|unknown message type/);
  });

  it('a non-zero exit reports the connector, its failure type and message', async () => {
    const result = await sluice(['read', fixture('exits-nonzero.mjs'), '--config', empty, '--catalog', catalog]);
    expect(result.exitCode).toBe(1);
    expectOneErrorLine(result.stderr, `sluice: connector.failed: connector ${fixture('exits-nonzero.mjs')} (read) failed (system_error): upstream exploded`);
  });

  it('a TRACE ERROR from a connector that exits 0 is shown once, as a warning naming the connector', async () => {
    const result = await sluice(['check', fixture('trace-error-exit-zero.mjs'), '--config', empty]);
    expect(result.exitCode).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.includes('quota nearly exhausted'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: `connector ${fixture('trace-error-exit-zero.mjs')} (check) reported an error but exited 0: quota nearly exhausted` });
  });

  it('a TRACE ERROR is reported once, not logged and then printed again', async () => {
    const read = await sluice(['read', fixture('exits-nonzero.mjs'), '--config', empty, '--catalog', catalog]);
    expect(read.stderr.split('upstream exploded')).toHaveLength(2);
    const out = tempDir();
    const dest = jsonFile(out, 'dest.json', { destination_path: join(out, 'data') });
    const sync = await sluice(['sync', '--source', fixture('exits-nonzero.mjs'), '--source-config', empty, '--destination', 'destination-local-json', '--destination-config', dest, '--catalog', catalog]);
    expect(sync.exitCode).toBe(1);
    expect(sync.stderr.split('upstream exploded')).toHaveLength(2);
  });

  it("a workspace job's failure is printed once on stderr and kept in the job's log", async () => {
    const ws = workspace();
    expect((await ws.run(['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', '{"count":1}'])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'broken', '--connector', fixture('fails-on-write.mjs'), '--config-json', '{}'])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'create', 'quick', '--source', 'faker', '--destination', 'broken', '--streams', 'users'])).exitCode).toBe(0);
    const synced = await ws.run(['sync', 'quick', '--attempts', '1']);
    expect(synced.exitCode).toBe(1);
    expect(errorLine(synced.stderr)).toMatch(/^sluice: connector\.failed: .*destination write failed: disk on fire$/);
    expect(synced.stderr.split('disk on fire')).toHaveLength(2);
    expect((await ws.run(['logs', '1'])).stdout).toContain('job 1 failed: ');
  });

  it('a config error from check is reported as such', async () => {
    const config = jsonFile(dir, 'key.json', { api_key: 'whatever' });
    const result = await sluice(['check', fixture('config-error.mjs'), '--config', config]);
    expect(result.exitCode).toBe(1);
    expectOneErrorLine(result.stderr, /^sluice: connector.failed: connector .*config-error.mjs \(check\) failed \(config_error\)/);
  });

  it('a connector that hangs past the timeout is stopped', async () => {
    const started = Date.now();
    const spec = await sluice(['spec', fixture('hangs.mjs'), '--timeout', '1']);
    expect(spec.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expectOneErrorLine(spec.stderr, `sluice: connector.timeout: connector ${fixture('hangs.mjs')} (spec) timed out after 1 s and was stopped`);
    // A read that stalls after its first records, for longer than the limit.
    const slow = jsonFile(dir, 'slow.json', { count: 100, delay_ms_every: [5, 60000] });
    const counter = fixture('counter-source.mjs');
    const read = await sluice(['read', counter, '--config', slow, '--catalog', jsonFile(dir, 'items.json', { streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }), '--timeout', '1']);
    expect(read.exitCode).toBe(1);
    expect(read.stdout.trim().split('\n')).toHaveLength(5);
    expectOneErrorLine(read.stderr, `sluice: connector.timeout: connector ${counter} (read) timed out after 1 s and was stopped`);
  });

  it('a connector killed by a signal is reported with the signal, as a connector failure (exit 1, not 128+N)', async () => {
    const result = await sluice(['read', fixture('kills-itself.mjs'), '--config', empty, '--catalog', catalog]);
    expect(result.exitCode).toBe(1);
    expectOneErrorLine(result.stderr, `sluice: connector.killed: connector ${fixture('kills-itself.mjs')} (read) was killed by SIGKILL`);
  });

  it('a source killed by a signal during a sync fails the sync with exit 1', async () => {
    const out = tempDir();
    const dest = jsonFile(out, 'dest.json', { destination_path: join(out, 'data') });
    const result = await sluice(['sync', '--source', fixture('kills-itself.mjs'), '--source-config', empty, '--destination', 'destination-local-json', '--destination-config', dest, '--catalog', catalog]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toMatch(/^sluice: connector\.killed: .*kills-itself\.mjs \((discover|read)\) was killed by SIGKILL/);
  });

  it('a line over the limit is an error naming the connector and the size', async () => {
    const config = jsonFile(dir, 'long.json', { bytes: 3_000_000 });
    const result = await sluice(['read', fixture('long-line.mjs'), '--config', config, '--catalog', catalog, '--max-line-bytes', '1000000']);
    expect(result.exitCode).toBe(1);
    expectOneErrorLine(result.stderr, `sluice: connector.line_too_long: connector ${fixture('long-line.mjs')} (read) wrote a line of more than 1000000 bytes (raise --max-line-bytes if such messages are expected)`);
  });

  it('the stack trace appears only with --log-level debug', async () => {
    const result = await sluice(['read', fixture('exits-nonzero.mjs'), '--config', empty, '--catalog', catalog, '--log-level', 'debug']);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe('write', () => {
  it('invalid JSON on stdin stops the input with the line number; what came before is delivered', async () => {
    const out = join(dir, 'written.jsonl');
    const config = jsonFile(dir, 'dest.json', { path: out });
    const input = [
      '{"type":"RECORD","record":{"stream":"numbers","data":{"id":1},"emitted_at":1}}',
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"numbers"},"stream_state":{"c":1}}}}',
      '{"type":"RECORD", oops',
      '{"type":"RECORD","record":{"stream":"numbers","data":{"id":2},"emitted_at":1}}',
    ].join('\n');
    const result = await sluice(['write', fixture('echo-destination.mjs'), '--config', config, '--catalog', catalog], { input });
    expect(result.exitCode).toBe(2);
    expectOneErrorLine(result.stderr, 'sluice: input.invalid_message: stdin line 3 is not a protocol message: not valid JSON');
    expect(JSON.parse(result.stdout).type).toBe('STATE');
  });
});
