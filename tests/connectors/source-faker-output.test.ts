// source-faker's rows are a pure function of (seed, stream, id): the same config gives byte-identical output, release
// after release. The expected text below was taken from the connector's output before its timestamps were built
// without Date#toISOString; emitted_at (the time of the read) is the only part that varies and is blanked.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { jsonFile, repoRoot, tempDir } from '../support/cli.js';

const fakerMain = join(repoRoot, 'dist/connectors/source-faker/main.js');

const configured = (name: string, syncMode: 'full_refresh' | 'incremental') => ({
  stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
  sync_mode: syncMode,
  destination_sync_mode: 'append',
});

async function read(config: object, streams: object[], state?: object): Promise<string[]> {
  const dir = tempDir();
  const args = ['read', '--config', jsonFile(dir, 'config.json', config), '--catalog', jsonFile(dir, 'catalog.json', { streams })];
  if (state) args.push('--state', jsonFile(dir, 'state.json', state));
  const result = await execa(process.execPath, [fakerMain, ...args], { reject: false, timeout: 60_000 });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/"emitted_at":\d+/, '"emitted_at":0'));
}

const purchasesAfter = (cursor: string) => [{ type: 'STREAM', stream: { stream_descriptor: { name: 'purchases' }, stream_state: { updated_at: cursor } } }];
const records = (lines: string[]) => lines.filter((line) => line.startsWith('{"type":"RECORD"'));

describe.concurrent('source-faker output is the same for the same seed', () => {
  it('three streams, 2000 rows, every line as before', async () => {
    const lines = await read({ count: 2000, seed: 7, records_per_state: 500 }, [
      configured('users', 'full_refresh'),
      configured('products', 'full_refresh'),
      configured('purchases', 'incremental'),
    ]);
    expect(lines).toHaveLength(4223);
    expect(lines[3]).toBe(
      '{"type":"RECORD","record":{"stream":"users","data":{"id":1,"name":"Barbara Perlman","email":"barbara.perlman1@example.net","age":21,"created_at":"2024-01-01T00:00:01.000Z","updated_at":"2024-01-01T00:00:01.000Z"},"emitted_at":0}}',
    );
    expect(createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex')).toBe('15016d5179814709cbba227815a7c0095daac7b012e9cf3a504cbf2fb852dfa4');
  });

  it('timestamps across an hour, a leap day and a new year', async () => {
    const purchases = [configured('purchases', 'incremental')];
    const [hour, leapDay, newYear] = await Promise.all([
      read({ count: 36001, seed: 3 }, purchases, purchasesAfter('2024-01-01T09:59:58.000Z')),
      read({ count: 5097602, seed: 3 }, purchases, purchasesAfter('2024-02-28T23:59:58.000Z')),
      read({ count: 31622402, seed: 3 }, purchases, purchasesAfter('2024-12-31T23:59:58.000Z')),
    ]);
    expect(records(hour)).toEqual([
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":35999,"user_id":25863,"product_id":17,"quantity":3,"purchased_at":"2024-01-01T09:59:59.000Z","updated_at":"2024-01-01T09:59:59.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":36000,"user_id":25488,"product_id":5,"quantity":4,"purchased_at":"2024-01-01T10:00:00.000Z","updated_at":"2024-01-01T10:00:00.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":36001,"user_id":2750,"product_id":37,"quantity":4,"purchased_at":"2024-01-01T10:00:01.000Z","updated_at":"2024-01-01T10:00:01.000Z"},"emitted_at":0}}',
    ]);
    expect(records(leapDay)).toEqual([
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":5097599,"user_id":3522517,"product_id":30,"quantity":1,"purchased_at":"2024-02-28T23:59:59.000Z","updated_at":"2024-02-28T23:59:59.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":5097600,"user_id":1521197,"product_id":34,"quantity":3,"purchased_at":"2024-02-29T00:00:00.000Z","updated_at":"2024-02-29T00:00:00.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":5097601,"user_id":1841759,"product_id":49,"quantity":2,"purchased_at":"2024-02-29T00:00:01.000Z","updated_at":"2024-02-29T00:00:01.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":5097602,"user_id":2562115,"product_id":31,"quantity":5,"purchased_at":"2024-02-29T00:00:02.000Z","updated_at":"2024-02-29T00:00:02.000Z"},"emitted_at":0}}',
    ]);
    expect(records(newYear)).toEqual([
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":31622399,"user_id":27335928,"product_id":44,"quantity":5,"purchased_at":"2024-12-31T23:59:59.000Z","updated_at":"2024-12-31T23:59:59.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":31622400,"user_id":24732707,"product_id":21,"quantity":5,"purchased_at":"2025-01-01T00:00:00.000Z","updated_at":"2025-01-01T00:00:00.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":31622401,"user_id":20865728,"product_id":46,"quantity":3,"purchased_at":"2025-01-01T00:00:01.000Z","updated_at":"2025-01-01T00:00:01.000Z"},"emitted_at":0}}',
      '{"type":"RECORD","record":{"stream":"purchases","data":{"id":31622402,"user_id":17199479,"product_id":2,"quantity":1,"purchased_at":"2025-01-01T00:00:02.000Z","updated_at":"2025-01-01T00:00:02.000Z"},"emitted_at":0}}',
    ]);
    // The state after the last row names its cursor.
    expect(newYear.at(-2)).toContain('"stream_state":{"updated_at":"2025-01-01T00:00:02.000Z"}');
  });
});
