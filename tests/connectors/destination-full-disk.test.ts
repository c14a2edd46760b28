// The file destinations on a disk that fills up (a small tmpfs, mounted for the test): a write that cannot be
// completed fails the sync, no STATE is echoed past it, the next run finds no torn line, and a deduplicating copy
// that does not fit fails loudly and leaves the rows where they were.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CsvParser } from '../../connectors/kit/csv.js';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';

const mounts: string[] = [];

async function smallDisk(size: string): Promise<string> {
  const dir = join(tempDir('sluice-disk-'), 'disk');
  mkdirSync(dir);
  await execa('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}
const grow = (dir: string, size: string) => execa('mount', ['-o', `remount,size=${size}`, dir]);

afterAll(async () => {
  for (const dir of mounts) await execa('umount', [dir], { reject: false });
});

async function sync(dir: string, destination: string, out: string, config: object, mode: string, state?: string) {
  const args = ['sync', '--json', '--attempts', '1', '--source', fixture('counter-source.mjs'), '--source-config', jsonFile(dir, `source-${Math.random()}.json`, config), '--destination', destination, '--destination-config', jsonFile(dir, 'destination.json', { destination_path: out }), '--mode', `items=${mode}`];
  return sluice(state ? [...args, '--state', state] : args);
}

const jsonIds = (path: string): number[] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data.id);

function csvIds(path: string): number[] {
  const parser = new CsvParser();
  const [header, ...records] = [...parser.push(readFileSync(path, 'utf8')), ...parser.end()];
  const id = header!.indexOf('id');
  return records.map((record) => Number(record[id]));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe.sequential('a full disk', () => {
  it.each([
    ['destination-local-json', 'items.jsonl', jsonIds],
    ['destination-csv', 'items.csv', csvIds],
  ] as const)('%s fails the sync when a write cannot complete, and the next run resumes without a lost or torn row', async (destination, file, ids) => {
    const disk = await smallDisk('256k');
    const dir = tempDir();
    const state = join(dir, 'state.json');
    const config = { count: 6000, records_per_state: 50 };
    const first = await sync(dir, destination, disk, config, 'incremental:append', state);
    expect(first.exitCode).not.toBe(0);
    expect(first.stderr).toMatch(/ENOSPC|no space/i);
    await grow(disk, '4m');
    const second = await sync(dir, destination, disk, config, 'incremental:append', state);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(ids(join(disk, file))).toEqual(range(6000));
  });

  it('destination-local-json: a deduplicating copy that does not fit fails the sync and keeps every row', async () => {
    const disk = await smallDisk('512k');
    const dir = tempDir();
    const first = await sync(dir, 'destination-local-json', disk, { count: 2400 }, 'full_refresh:append_dedup');
    expect(first.exitCode).not.toBe(0);
    expect(first.stderr).toMatch(/ENOSPC|no space/i);
    expect(jsonIds(join(disk, 'items.jsonl'))).toEqual(range(2400));
    expect(readdirSync(disk)).toEqual(['items.jsonl']);
  });

  it('destination-csv: a deduplicating copy that does not fit fails the sync and keeps every row', async () => {
    const disk = await smallDisk('640k');
    const dir = tempDir();
    const config = { count: 2800 };
    expect((await sync(dir, 'destination-csv', disk, config, 'full_refresh:append_dedup')).exitCode).toBe(0);
    const second = await sync(dir, 'destination-csv', disk, config, 'full_refresh:append_dedup');
    expect(second.exitCode).not.toBe(0);
    expect(second.stderr).toMatch(/ENOSPC|no space/i);
    expect(csvIds(join(disk, 'items.csv'))).toEqual([...range(2800), ...range(2800)]);
    expect(readdirSync(disk)).toEqual(['items.csv']);
  });
});
