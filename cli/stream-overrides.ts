// Owns reading the per-stream overrides of `sluice sync` (--mode, --cursor, --primary-key) into one map.
import { SluiceError } from '../runtime/errors.js';
import type { StreamOverride } from '../runtime/sync/configured-catalog.js';
import type { DestinationSyncMode, SyncMode } from '../protocol/types.generated.js';

export interface OverrideOptions {
  mode?: string[];
  cursor?: string[];
  primaryKey?: string[];
}

const SYNC_MODES = ['full_refresh', 'incremental'];
const DESTINATION_MODES = ['append', 'overwrite', 'append_dedup', 'update', 'soft_delete'];

export function parseOverrides(options: OverrideOptions): Map<string, StreamOverride> {
  const overrides = new Map<string, StreamOverride>();
  const entry = (stream: string): StreamOverride => {
    let override = overrides.get(stream);
    if (!override) overrides.set(stream, (override = {}));
    return override;
  };
  for (const item of options.mode ?? []) {
    const [stream, value] = split(item, '--mode');
    const [syncMode, destinationMode] = value.split(':');
    if (!SYNC_MODES.includes(syncMode!)) throw usage(`--mode ${item}: sync mode must be one of ${SYNC_MODES.join(', ')}`);
    if (destinationMode !== undefined && !DESTINATION_MODES.includes(destinationMode)) {
      throw usage(`--mode ${item}: destination mode must be one of ${DESTINATION_MODES.join(', ')}`);
    }
    entry(stream).syncMode = syncMode as SyncMode;
    if (destinationMode) entry(stream).destinationSyncMode = destinationMode as DestinationSyncMode;
  }
  for (const item of options.cursor ?? []) {
    const [stream, value] = split(item, '--cursor');
    entry(stream).cursorField = value.split('.');
  }
  for (const item of options.primaryKey ?? []) {
    const [stream, value] = split(item, '--primary-key');
    entry(stream).primaryKey = value.split(',').map((field) => field.trim().split('.'));
  }
  return overrides;
}

function split(item: string, option: string): [string, string] {
  const equals = item.indexOf('=');
  if (equals <= 0 || equals === item.length - 1) throw usage(`${option} ${item}: expected STREAM=VALUE`);
  return [item.slice(0, equals), item.slice(equals + 1)];
}

function usage(message: string): SluiceError {
  return new SluiceError('cli.usage', message);
}
