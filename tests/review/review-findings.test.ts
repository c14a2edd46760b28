// Adversarial review findings on the "Nothing lost, nothing leaked" fixes: each test fails on the merged branch.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { jsonFile, sluice, tempDir } from '../support/cli.js';

const source = join(import.meta.dirname, 'raw-lines-source.mjs');
const rec = (stream: string, id: number) =>
  JSON.stringify({ type: 'RECORD', record: { stream, data: { id }, emitted_at: 1700000000000 } });

/** Syncs the given RECORD lines (streams as listed) into a destination; returns the CLI result. */
async function syncLines(dir: string, tag: string, lines: string[], streams: string[], destination: string, config: string, mode: string) {
  const file = join(dir, `${tag}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  const src = jsonFile(dir, `${tag}-src.json`, { file, streams });
  const modes = streams.flatMap((s) => ['--mode', `${s}=${mode}`]);
  return sluice(['sync', '--source', source, '--source-config', src, '--destination', destination, '--destination-config', config, ...modes]);
}

describe('item 5: a stream name that normalises like another keeps its own table/file across syncs', () => {
  it('sqlite: overwriting stream a_b alone does not delete the rows of stream A_B', async () => {
    const dir = tempDir();
    const config = jsonFile(dir, 'sq.json', { database_path: join(dir, 'db.sqlite') });
    const first = await syncLines(dir, 'one', [rec('A_B', 3), rec('a_b', 2)], ['A_B', 'a_b'], 'destination-sqlite', config, 'full_refresh:append');
    expect(first.exitCode).toBe(0);
    const second = await syncLines(dir, 'two', [rec('a_b', 22)], ['a_b'], 'destination-sqlite', config, 'full_refresh:overwrite');
    expect(second.exitCode).toBe(0);
    const db = new Database(join(dir, 'db.sqlite'), { readonly: true });
    const tables = db.prepare("select name from sqlite_master where type='table'").all() as Array<{ name: string }>;
    const ids = tables.flatMap(({ name }) => (db.prepare(`select id from "${name}"`).all() as Array<{ id: number }>).map((r) => r.id));
    db.close();
    expect(ids).toContain(3); // stream A_B's row survives an overwrite of stream a_b
  });

  it.each(['destination-local-json', 'destination-csv'])('%s: stream a/b synced alone does not land in stream a_b\'s file', async (destination) => {
    const dir = tempDir();
    const config = jsonFile(dir, 'd.json', { destination_path: join(dir, 'out') });
    expect((await syncLines(dir, 'one', [rec('a_b', 2), rec('a/b', 4)], ['a_b', 'a/b'], destination, config, 'full_refresh:append')).exitCode).toBe(0);
    expect((await syncLines(dir, 'two', [rec('a/b', 44)], ['a/b'], destination, config, 'full_refresh:append')).exitCode).toBe(0);
    const files = readdirSync(join(dir, 'out')).map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
    const holds = (text: string, id: number) => new RegExp(`("id":|,)${id}(,|}|\\n|$)`, 'm').test(text);
    expect(files.filter((text) => holds(text, 2) && holds(text, 44))).toEqual([]);
  });
});

describe('item 21: per-stream destinationStats through a connection with --prefix', () => {
  it('no warning that the destination counted 0 records when it wrote them all', async () => {
    const dir = tempDir();
    const env = { SLUICE_HOME: join(dir, 'ws') };
    const file = join(dir, 'lines.jsonl');
    writeFileSync(file, [rec('s', 1), rec('s', 2), '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"s"},"stream_state":{"cursor":2}}}}'].join('\n') + '\n');
    const src = jsonFile(dir, 'src.json', { file, streams: ['s'] });
    const dst = jsonFile(dir, 'dst.json', { destination_path: join(dir, 'out') });
    expect((await sluice(['source', 'create', 'src', '--connector', source, '--config', src], { env })).exitCode).toBe(0);
    expect((await sluice(['destination', 'create', 'dst', '--connector', 'destination-local-json', '--config', dst], { env })).exitCode).toBe(0);
    expect((await sluice(['connection', 'create', 'c', '--source', 'src', '--destination', 'dst', '--prefix', 'pre_', '--mode', 's=incremental:append'], { env })).exitCode).toBe(0);
    const result = await sluice(['sync', 'c'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/destination says a state covers 0 records/);
  });
});

describe('item 11: a secret is masked in the forms a connector commonly prints it', () => {
  it('a percent-encoded password in a connection URL is masked', async () => {
    const dir = tempDir();
    const password = 'Pa55/word@Secret#2026';
    const config = jsonFile(dir, 'c.json', { password });
    const result = await sluice(['check', join(import.meta.dirname, 'logs-url-secret.mjs'), '--config', config]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('Pa55%2Fword%40Secret');
  });
});

describe('item 1 (sibling): test-connector on a source with a 64-bit cursor', () => {
  it('passes the project fixture big-cursor-source and prints its cursors unrounded', async () => {
    const dir = tempDir();
    const config = jsonFile(dir, 'c.json', { count: 3 });
    const result = await sluice(['test-connector', join(import.meta.dirname, '../fixtures/connectors/big-cursor-source.mjs'), '--config', config]);
    expect(result.stdout + result.stderr).not.toMatch(/1234567890123456300/); // rounded form of …201…203
    expect(result.exitCode).toBe(0); // incremental.future_state uses 2^53-1 as "far in the future": below this cursor
  });
});
