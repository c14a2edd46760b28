// Owns merging a change of streams into a connection's stored ones: `connection update --mode users=…` (or an
// API PATCH, or apply naming a stream without its modes) changes only what it names. Streams not named in the
// change stay as they are; a chosen stream that was configured keeps its cursor, key and modes unless the change
// sets them; a new sync mode given without a destination mode takes that sync mode's default destination mode.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import type { CatalogChoice, StreamOverride } from '../../runtime/sync/configured-catalog.js';

export function mergeChoice(stored: ConfiguredAirbyteCatalog, choice: CatalogChoice): CatalogChoice {
  const settings = new Map<string, StreamOverride>();
  for (const configured of stored.streams) settings.set(describeStream(configured.stream), settingsOf(configured));
  for (const configured of stored.streams) if (!settings.has(configured.stream.name)) settings.set(configured.stream.name, settingsOf(configured));
  const streams = choice.streams ?? stored.streams.map((configured) => describeStream(configured.stream));
  const overrides = new Map<string, StreamOverride>(choice.overrides ?? []);
  for (const name of streams) {
    const kept = settings.get(name);
    if (!kept) continue;
    overrides.set(name, mergeStreamSettings(kept, choice.overrides?.get(name) ?? {}));
  }
  return { streams, overrides };
}

/** `given` over `kept`; a new sync mode without a destination mode drops the kept destination mode (the default applies). */
export function mergeStreamSettings<T extends StreamOverride>(kept: T, given: Partial<T>): T {
  const merged: T = { ...kept, ...given };
  if (given.syncMode !== undefined && given.syncMode !== kept.syncMode && given.destinationSyncMode === undefined) delete merged.destinationSyncMode;
  return merged;
}

function settingsOf(configured: ConfiguredAirbyteStream): StreamOverride {
  return {
    syncMode: configured.sync_mode,
    destinationSyncMode: configured.destination_sync_mode,
    ...(configured.cursor_field?.length ? { cursorField: configured.cursor_field } : {}),
    ...(configured.primary_key?.length ? { primaryKey: configured.primary_key } : {}),
  };
}
