// The reason a failed connector gives: its TRACE error, else its last ERROR-level LOG, else the line of its stderr
// that says what went wrong, never the `}` closing an exception dump. Real processes: dumps-exception.mjs.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { errorLine, fixture, jsonFile, sluice, tempDir } from '../support/cli.js';

const CONNECTOR = fixture('dumps-exception.mjs');

function catalog(dir: string): string {
  return jsonFile(dir, 'catalog.json', { streams: [{ stream: { name: 'numbers', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] });
}

describe.concurrent('a connector that exits 1 after an exception dump on stderr', () => {
  it('is reported with the line of the dump that names the error', async () => {
    const dir = tempDir();
    const result = await sluice(['read', CONNECTOR, '--config', jsonFile(dir, 'config.json', {}), '--catalog', catalog(dir)]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.exit_nonzero: connector ${CONNECTOR} (read) exited with code 1: Error: connect ECONNREFUSED 127.0.0.1:5432`);
  });

  it('is reported with its last ERROR log when it logged one', async () => {
    const dir = tempDir();
    const result = await sluice(['read', CONNECTOR, '--config', jsonFile(dir, 'config.json', { error_log: true }), '--catalog', catalog(dir)]);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.exit_nonzero: connector ${CONNECTOR} (read) exited with code 1: cannot reach the API: connection refused`);
  });

  it('is reported the same way when it fails a sync', async () => {
    const dir = tempDir();
    const result = await sluice(['sync', '--source', CONNECTOR, '--source-config', jsonFile(dir, 'config.json', {}), '--catalog', catalog(dir), '--destination', fixture('echo-destination.mjs'), '--destination-config', jsonFile(dir, 'dest.json', { path: join(dir, 'out.jsonl') })]);
    expect(result.exitCode).toBe(1);
    expect(errorLine(result.stderr)).toBe(`sluice: connector.exit_nonzero: connector ${CONNECTOR} (read) exited with code 1: Error: connect ECONNREFUSED 127.0.0.1:5432`);
  });
});
