// State blobs keep every digit: a source's 64-bit cursor (beyond 2^53) and long decimals travel from its STATE to the
// state file or the workspace store, `sluice state show`, the API, and back to the source's --state unchanged, so
// a resumed sync neither skips nor repeats a row. Real processes: big-cursor-source.mjs and echo-destination.mjs.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';
import { workspace, type Workspace } from '../support/workspace.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';
import { startServe } from '../support/server.js';

const postgresMissing = await postgresAvailability();

const START = 1234567890123456200n;
const RATIO = '0.1000000000000000055511151231257827';

/** The seq values echo-destination wrote, as the digits the source sent. */
function seqs(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => /"seq":(\d+)/.exec(line)![1]!);
}

function range(from: bigint, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(from + BigInt(i)));
}

describe.each(['STREAM', 'GLOBAL', 'LEGACY'])('a %s state beyond 2^53 through sluice sync --state FILE', (kind) => {
  it('is stored with its exact digits and handed back to the source exactly, so the second run resumes right after it', async () => {
    const dir = tempDir();
    const received = join(dir, 'received-state.json');
    const out = join(dir, 'out.jsonl');
    const source = jsonFile(dir, 'source.json', { count: 50, state_kind: kind, received_state: received });
    const dest = jsonFile(dir, 'dest.json', { path: out });
    const state = join(dir, 'state.json');
    const args = ['sync', '--json', '--source', fixture('big-cursor-source.mjs'), '--source-config', source, '--destination', fixture('echo-destination.mjs'), '--destination-config', dest, '--state', state];

    const first = await sluice(args);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(readFileSync(state, 'utf8')).toContain(`"cursor": ${START + 50n}`);
    expect(readFileSync(state, 'utf8')).toContain(`"ratio": ${RATIO}`);

    const second = await sluice(args);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(readFileSync(received, 'utf8')).toContain(`"cursor":${START + 50n}`);
    expect(readFileSync(received, 'utf8')).toContain(`"ratio":${RATIO}`);
    expect(JSON.parse(second.stdout)).toMatchObject({ recordsEmitted: 50, recordsCommitted: 50 });
    expect(seqs(out)).toEqual(range(START + 1n, 100));
    expect(readFileSync(state, 'utf8')).toContain(`"cursor": ${START + 100n}`);

    const shown = await sluice(['state', 'show', '--state', state]);
    expect(shown.stdout).toContain(`"cursor": ${START + 100n}`);
  });
});

it('sluice sync accepts --state in the platform array-wrapped LEGACY form, and hands the source the blob', async () => {
  const dir = tempDir();
  const received = join(dir, 'received-state.json');
  const out = join(dir, 'out.jsonl');
  const source = jsonFile(dir, 'source.json', { count: 5, state_kind: 'LEGACY', received_state: received });
  const dest = jsonFile(dir, 'dest.json', { path: out });
  const state = join(dir, 'state.json');
  writeFileSync(state, `[{"type":"LEGACY","data":{"events":{"cursor":${START}}}}]`);
  const result = await sluice(['sync', '--json', '--source', fixture('big-cursor-source.mjs'), '--source-config', source, '--destination', fixture('echo-destination.mjs'), '--destination-config', dest, '--state', state]);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(readFileSync(received, 'utf8')).toBe(`{"events":{"cursor":${START}}}`);
  expect(seqs(out)).toEqual(range(START + 1n, 5));
  const shown = await sluice(['state', 'show', '--state', state]);
  expect(shown.stdout).toBe(`{\n  "events": {\n    "cursor": ${START + 5n},\n    "ratio": ${RATIO}\n  }\n}`);
});

it('sluice read accepts --state in the array-wrapped LEGACY form and hands the source the blob', async () => {
  const dir = tempDir();
  const received = join(dir, 'received-state.json');
  const source = jsonFile(dir, 'source.json', { count: 2, received_state: received });
  const catalog = jsonFile(dir, 'catalog.json', { streams: [{ stream: { name: 'events', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['seq'] }] });
  const state = join(dir, 'state.json');
  writeFileSync(state, `[{"type":"LEGACY","data":{"events":{"cursor":${START}}}}]`);
  const result = await sluice(['read', fixture('big-cursor-source.mjs'), '--config', source, '--catalog', catalog, '--state', state]);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(readFileSync(received, 'utf8')).toBe(`{"events":{"cursor":${START}}}`);
  expect(result.stdout).toContain(`"seq":${START + 1n}`);
});

async function defineConnection(ws: Workspace, kind: string): Promise<{ received: string; out: string }> {
  const received = join(ws.dir, 'received-state.json');
  const out = join(ws.dir, 'out.jsonl');
  const created = [
    await ws.run(['source', 'create', `big-${kind}`, '--connector', fixture('big-cursor-source.mjs'), '--config-json', JSON.stringify({ count: 50, state_kind: kind, received_state: received })]),
    await ws.run(['destination', 'create', `echo-${kind}`, '--connector', fixture('echo-destination.mjs'), '--config-json', JSON.stringify({ path: out })]),
    await ws.run(['connection', 'create', `big-to-echo-${kind}`, '--source', `big-${kind}`, '--destination', `echo-${kind}`]),
  ];
  for (const result of created) expect(result.exitCode, result.stderr).toBe(0);
  return { received, out };
}

function storedConnectionFlow(label: string, env: () => Record<string, string>, kinds: string[]): void {
  it.each(kinds)(`keeps a %s cursor beyond 2^53 exact in the store, state show and the next run (${label})`, async (kind) => {
    const ws = workspace(env());
    const { received, out } = await defineConnection(ws, kind);
    const first = await ws.run(['sync', `big-to-echo-${kind}`, '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const shown = await ws.run(['state', 'show', `big-to-echo-${kind}`]);
    expect(shown.stdout).toContain(`"cursor": ${START + 50n}`);
    expect(shown.stdout).toContain(`"ratio": ${RATIO}`);

    const second = await ws.run(['sync', `big-to-echo-${kind}`, '--json']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(readFileSync(received, 'utf8')).toContain(`"cursor":${START + 50n}`);
    expect(readFileSync(received, 'utf8')).toContain(`"ratio":${RATIO}`);
    expect(JSON.parse(second.stdout)).toMatchObject({ recordsEmitted: 50, recordsCommitted: 50 });
    expect(seqs(out)).toEqual(range(START + 1n, 100));
    expect((await ws.run(['state', 'show', `big-to-echo-${kind}`])).stdout).toContain(`"cursor": ${START + 100n}`);

    const server = await startServe(ws.env);
    try {
      const text = await (await fetch(`${server.url}/api/v1/connections/big-to-echo-${kind}/state`)).text();
      expect(text).toContain(`"cursor":${START + 100n},"ratio":${RATIO}`);
    } finally {
      await server.stop();
    }
  });
}

describe.concurrent('a stored connection on SQLite', { timeout: 60_000 }, () => {
  storedConnectionFlow('SQLite', () => ({}), ['STREAM', 'LEGACY']);
});

describe.runIf(!postgresMissing)('a stored connection on PostgreSQL', { timeout: 60_000 }, () => {
  const url = useFreshDatabase();
  storedConnectionFlow('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') }), ['STREAM']);
});

it('keeps every digit of a RECORD whose stream a connection maps to a prefixed name', async () => {
  const ws = workspace();
  const out = join(ws.dir, 'out.jsonl');
  const created = [
    await ws.run(['source', 'create', 'big', '--connector', fixture('big-cursor-source.mjs'), '--config-json', JSON.stringify({ count: 3 })]),
    await ws.run(['destination', 'create', 'echo', '--connector', fixture('echo-destination.mjs'), '--config-json', JSON.stringify({ path: out })]),
    await ws.run(['connection', 'create', 'prefixed', '--source', 'big', '--destination', 'echo', '--prefix', 'raw_']),
  ];
  for (const result of created) expect(result.exitCode, result.stderr).toBe(0);
  const synced = await ws.run(['sync', 'prefixed']);
  expect(synced.exitCode, synced.stderr).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  expect(lines.map((line) => /"stream":"([^"]+)"/.exec(line)![1])).toEqual(['raw_events', 'raw_events', 'raw_events']);
  expect(seqs(out)).toEqual(range(START + 1n, 3));
});

it('keeps every digit of a mapped RECORD of a prefixed stream, in the field and in what the mapper computed from it', async () => {
  const ws = workspace();
  const out = join(ws.dir, 'out.jsonl');
  const created = [
    await ws.run(['source', 'create', 'big', '--connector', fixture('big-cursor-source.mjs'), '--config-json', JSON.stringify({ count: 3 })]),
    await ws.run(['destination', 'create', 'echo', '--connector', fixture('echo-destination.mjs'), '--config-json', JSON.stringify({ path: out })]),
    await ws.run(['connection', 'create', 'mapped', '--source', 'big', '--destination', 'echo', '--prefix', 'raw_', '--map', 'events:hash(seq,new)']),
  ];
  for (const result of created) expect(result.exitCode, result.stderr).toBe(0);
  const synced = await ws.run(['sync', 'mapped']);
  expect(synced.exitCode, synced.stderr).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  expect(lines.map((line) => /"stream":"([^"]+)"/.exec(line)![1])).toEqual(['raw_events', 'raw_events', 'raw_events']);
  expect(seqs(out)).toEqual(range(START + 1n, 3));
  const hashed = lines.map((line) => /"seq_hashed":"([0-9a-f]+)"/.exec(line)![1]);
  expect(hashed).toEqual(range(START + 1n, 3).map((seq) => createHash('sha256').update(String(seq)).digest('hex')));
});

describe('a connection with a stream prefix: states reach the destination in its names, commit in the source\'s', { timeout: 60_000 }, () => {
  it.each(['STREAM', 'GLOBAL'])('%s: the destination counts the records a state covers, and the next sync resumes', async (kind) => {
    const ws = workspace();
    const received = join(ws.dir, 'received-state.json');
    const created = [
      await ws.run(['source', 'create', 'big', '--connector', fixture('big-cursor-source.mjs'), '--config-json', JSON.stringify({ count: 3, state_kind: kind, received_state: received })]),
      await ws.run(['destination', 'create', 'files', '--connector', 'destination-local-json', '--config-json', JSON.stringify({ destination_path: join(ws.dir, 'out') })]),
      await ws.run(['connection', 'create', 'prefixed', '--source', 'big', '--destination', 'files', '--prefix', 'pre_', '--mode', 'events=incremental:append']),
    ];
    for (const result of created) expect(result.exitCode, result.stderr).toBe(0);
    const first = await ws.run(['sync', 'prefixed']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).not.toMatch(/destination says a state covers/);
    const shown = await ws.run(['state', 'show', 'prefixed']);
    expect(shown.stdout).toContain('"name": "events"');
    expect(shown.stdout).not.toContain('pre_events');
    expect(shown.stdout).toContain(`"cursor": ${START + 3n}`);

    const second = await ws.run(['sync', 'prefixed']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout + second.stderr).not.toMatch(/destination says a state covers/);
    expect(readFileSync(received, 'utf8')).toContain(`"cursor":${START + 3n}`);
    expect(readFileSync(received, 'utf8')).not.toContain('pre_events');
    expect((await ws.run(['state', 'show', 'prefixed'])).stdout).toContain(`"cursor": ${START + 6n}`);
  });
});
