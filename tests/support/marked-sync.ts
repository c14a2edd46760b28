// Starts `sluice sync` from counter-source.mjs into a fixture destination that writes a marker file once it runs
// (destination-never-reads.mjs, destination-never-exits.mjs); both connectors get MARK=<uuid> in their environment,
// so a test can find (and check the end of) every process they started.
import { execa } from 'execa';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fixture, jsonFile, sluiceBin, tempDir } from './cli.js';

export interface MarkedSyncOptions {
  destination: 'destination-never-reads.mjs' | 'destination-never-exits.mjs';
  /** counter-source.mjs's config. */
  source: Record<string, unknown>;
  /** Keep the sync's state in a file of its own directory. */
  state?: boolean;
  /** More flags for `sluice sync`. */
  extra?: string[];
  env?: Record<string, string>;
  timeout?: number;
}

export function startMarkedSync(options: MarkedSyncOptions) {
  const dir = tempDir();
  const marker = join(dir, 'destination-started');
  const mark = randomUUID();
  const run = execa(process.execPath, [
    sluiceBin,
    'sync',
    '--source', fixture('counter-source.mjs'),
    '--source-config', jsonFile(dir, 'source.json', options.source),
    '--destination', fixture(options.destination),
    '--destination-config', jsonFile(dir, 'destination.json', { marker }),
    '--mode', 'items=incremental:append',
    ...(options.state ? ['--state', join(dir, 'state.json')] : []),
    '--attempts', '1',
    '--source-env', `MARK=${mark}`,
    '--destination-env', `MARK=${mark}`,
    ...(options.extra ?? []),
  ], { reject: false, forceKillAfterDelay: false, ...(options.env ? { env: options.env } : {}), ...(options.timeout ? { timeout: options.timeout } : {}) });
  return { run, dir, marker, mark };
}
