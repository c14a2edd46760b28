// A source line that starts like a RECORD but is not a well-formed one (trailing text, a raw control character,
// a second "stream" key) is never forwarded: it becomes one warning naming the connector, the line and the reason,
// and the destination receives exactly the records Sluice counted, of the stream it counted them for; the sync
// summary counts such lines (malformedLines) and says so in a warning.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';

const source = fixture('emits-malformed-records.mjs');
const expectedWarnings = [
  { line: 2, reason: 'RECORD line is not valid JSON: unexpected text after the message at column 95' },
  { line: 3, reason: 'RECORD line is not valid JSON: a raw control character (0x09) in a string at column 86' },
  { line: 4, reason: 'RECORD message has two "record.stream" keys' },
];

function warnings(stderr: string): Array<{ line: number; reason: string }> {
  return jsonLines(stderr)
    .filter((entry) => entry.stdout === true && entry.level === 40)
    .map((entry) => {
      expect(entry.connector).toBe(source);
      return { line: entry.line, reason: entry.reason };
    });
}

describe('a line that starts like a RECORD but is not a well-formed one', () => {
  it('is not forwarded by sync: the destination gets the records Sluice counted, and the log says why', async () => {
    const dir = tempDir();
    const result = await sluice([
      'sync',
      '--source', source,
      '--source-config', jsonFile(dir, 'source.json', {}),
      '--destination', 'destination-local-json',
      '--destination-config', jsonFile(dir, 'destination.json', { destination_path: join(dir, 'out') }),
      '--streams', 'numbers,orders',
      '--json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.streams).toEqual([
      { stream: 'numbers', recordsEmitted: 2, bytesEmitted: 210, recordsCommitted: 2, bytesCommitted: 210, recordsFiltered: 0 },
      { stream: 'orders', recordsEmitted: 0, bytesEmitted: 0, recordsCommitted: 0, bytesCommitted: 0, recordsFiltered: 0 },
    ]);
    const ids = readFileSync(join(dir, 'out', 'numbers.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)._airbyte_data.id);
    expect(ids).toEqual([1, 4]);
    expect(readFileSync(join(dir, 'out', 'orders.jsonl'), 'utf8')).toBe('');
    expect(warnings(result.stderr)).toEqual(expectedWarnings);
    expect(summary.malformedLines).toBe(3);
    expect(summary.warnings).toContain('3 lines from the source looked like RECORDs but were malformed and were not sent: see the log');
  });

  it('is counted in the human sync summary, which still exits 0', async () => {
    const dir = tempDir();
    const result = await sluice([
      'sync',
      '--source', source,
      '--source-config', jsonFile(dir, 'source.json', {}),
      '--destination', 'destination-local-json',
      '--destination-config', jsonFile(dir, 'destination.json', { destination_path: join(dir, 'out') }),
      '--streams', 'numbers,orders',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain('warning: 3 lines from the source looked like RECORDs but were malformed and were not sent: see the log');
  });

  it('is not printed by read: stdout holds only well-formed messages', async () => {
    const dir = tempDir();
    const catalog = {
      streams: [{ stream: { name: 'numbers', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }],
    };
    const result = await sluice(['read', source, '--config', jsonFile(dir, 'config.json', {}), '--catalog', jsonFile(dir, 'catalog.json', catalog)]);
    expect(result.exitCode, result.stderr).toBe(0);
    const messages = jsonLines(result.stdout);
    expect(messages.map((message) => message.record?.data.id ?? message.type)).toEqual([1, 4, 'STATE']);
    expect(warnings(result.stderr)).toEqual(expectedWarnings);
  });
});
