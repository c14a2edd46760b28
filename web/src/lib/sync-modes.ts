// Owns what a person may choose for each discovered stream: the sync mode combinations it supports
// (full refresh | incremental × overwrite | append | append with dedup), the cursor and primary-key fields offered
// where the source defines none (the top-level properties of its JSON schema), the default choice (the server's:
// incremental + dedup when the source gives a cursor and a key, else full refresh + overwrite), and turning the
// choices into the create-connection body's `streams` and `overrides`. No React here.
export type SyncMode = 'full_refresh' | 'incremental';
export type DestinationSyncMode = 'overwrite' | 'append' | 'append_dedup';

export interface DiscoveredStream {
  name: string;
  namespace?: string;
  json_schema: Record<string, unknown>;
  supported_sync_modes: string[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
}

export interface SyncModeOption {
  syncMode: SyncMode;
  destinationSyncMode: DestinationSyncMode;
  /** `incremental:append_dedup`: the value of the option in the select. */
  value: string;
  label: string;
}

export interface StreamChoice {
  selected: boolean;
  /** An option's value (see SyncModeOption.value). */
  mode: string;
  /** The cursor field picked, when the source does not define one ('' = none yet). */
  cursor: string;
  /** The primary-key fields picked, when the source does not define one. */
  primaryKey: string[];
}

export interface StreamOverride {
  syncMode: SyncMode;
  destinationSyncMode: DestinationSyncMode;
  cursorField?: string[];
  primaryKey?: string[][];
}

const SYNC_LABELS: Record<SyncMode, string> = { full_refresh: 'Full refresh', incremental: 'Incremental' };
const DESTINATION_LABELS: Record<DestinationSyncMode, string> = { overwrite: 'Overwrite', append: 'Append', append_dedup: 'Append + dedup' };
const SYNC_MODES: SyncMode[] = ['full_refresh', 'incremental'];
const DESTINATION_MODES: DestinationSyncMode[] = ['overwrite', 'append', 'append_dedup'];

/** The key the API knows a stream by: `namespace.name`, or the name alone. */
export const streamKey = (stream: { name: string; namespace?: string }): string =>
  stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name;

export const modeValue = (syncMode: string, destinationSyncMode: string): string => `${syncMode}:${destinationSyncMode}`;

export function modeLabel(syncMode: string, destinationSyncMode: string): string {
  return `${SYNC_LABELS[syncMode as SyncMode] ?? syncMode} | ${DESTINATION_LABELS[destinationSyncMode as DestinationSyncMode] ?? destinationSyncMode}`;
}

/** The top-level property names of a stream's JSON schema, sorted: the fields a cursor or key can be. */
export function topLevelFields(stream: DiscoveredStream): string[] {
  const properties = (stream.json_schema as { properties?: unknown }).properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.keys(properties).sort();
}

const hasKey = (key: string[][] | undefined): boolean => Array.isArray(key) && key.length > 0 && key.every((path) => path.length > 0);

/** The source names the cursor itself: no picker. */
export const sourceDefinesCursor = (stream: DiscoveredStream): boolean => stream.source_defined_cursor === true;
/** The source names the primary key itself: no picker. */
export const sourceDefinesPrimaryKey = (stream: DiscoveredStream): boolean => hasKey(stream.source_defined_primary_key);

/**
 * The combinations a stream supports: its own sync modes; incremental only when a cursor exists or can be picked,
 * dedup only when a key exists or can be picked; and, when the destination says which it accepts, only those.
 */
export function syncModeOptions(stream: DiscoveredStream, destinationModes?: string[]): SyncModeOption[] {
  const fields = topLevelFields(stream);
  const cursorPossible = sourceDefinesCursor(stream) || (stream.default_cursor_field?.length ?? 0) > 0 || fields.length > 0;
  const keyPossible = sourceDefinesPrimaryKey(stream) || fields.length > 0;
  const options: SyncModeOption[] = [];
  for (const syncMode of SYNC_MODES) {
    if (!stream.supported_sync_modes.includes(syncMode)) continue;
    if (syncMode === 'incremental' && !cursorPossible) continue;
    for (const destinationSyncMode of DESTINATION_MODES) {
      if (destinationSyncMode === 'append_dedup' && !keyPossible) continue;
      if (destinationModes && destinationModes.length > 0 && !destinationModes.includes(destinationSyncMode)) continue;
      options.push({ syncMode, destinationSyncMode, value: modeValue(syncMode, destinationSyncMode), label: modeLabel(syncMode, destinationSyncMode) });
    }
  }
  return options;
}

/** The choice a stream starts with: selected, with the mode the server would pick by itself when offered. */
export function defaultChoice(stream: DiscoveredStream, destinationModes?: string[]): StreamChoice {
  const options = syncModeOptions(stream, destinationModes);
  const cursor = stream.default_cursor_field?.length === 1 ? stream.default_cursor_field[0]! : '';
  const canIncrement = stream.supported_sync_modes.includes('incremental') && (stream.default_cursor_field?.length ?? 0) > 0 && sourceDefinesPrimaryKey(stream);
  const preferred = canIncrement ? modeValue('incremental', 'append_dedup') : modeValue('full_refresh', 'overwrite');
  const mode = options.find((option) => option.value === preferred)?.value ?? options[0]?.value ?? '';
  return { selected: true, mode, cursor, primaryKey: [] };
}

export function parseMode(value: string): { syncMode: SyncMode; destinationSyncMode: DestinationSyncMode } {
  const [syncMode, destinationSyncMode] = value.split(':') as [SyncMode, DestinationSyncMode];
  return { syncMode, destinationSyncMode };
}

/** Whether the stream's row shows a cursor picker for this choice. */
export const needsCursorPicker = (stream: DiscoveredStream, choice: StreamChoice): boolean =>
  parseMode(choice.mode).syncMode === 'incremental' && !sourceDefinesCursor(stream);

/** Whether the stream's row shows a primary-key picker for this choice. */
export const needsPrimaryKeyPicker = (stream: DiscoveredStream, choice: StreamChoice): boolean =>
  parseMode(choice.mode).destinationSyncMode === 'append_dedup' && !sourceDefinesPrimaryKey(stream);

/** Everything that keeps a selected stream's choice from being saved, in words, all at once; [] when it is complete. */
export function choiceProblems(stream: DiscoveredStream, choice: StreamChoice): string[] {
  if (!choice.selected) return [];
  if (choice.mode === '') return [`Stream ${streamKey(stream)} supports no sync mode this destination accepts.`];
  const problems: string[] = [];
  if (needsCursorPicker(stream, choice) && choice.cursor === '') problems.push(`Pick a cursor field for stream ${streamKey(stream)} (incremental needs one).`);
  if (needsPrimaryKeyPicker(stream, choice) && choice.primaryKey.length === 0) problems.push(`Pick a primary key for stream ${streamKey(stream)} (dedup needs one).`);
  return problems;
}

/** The create body's `streams` (the selected ones) and `overrides` (each selected stream's mode and fields). */
export function streamsRequest(
  streams: DiscoveredStream[],
  choices: Record<string, StreamChoice>,
): { streams: string[]; overrides: Record<string, StreamOverride> } {
  const names: string[] = [];
  const overrides: Record<string, StreamOverride> = {};
  for (const stream of streams) {
    const key = streamKey(stream);
    const choice = choices[key];
    if (!choice?.selected) continue;
    names.push(key);
    const override: StreamOverride = parseMode(choice.mode);
    if (needsCursorPicker(stream, choice) && choice.cursor !== '') override.cursorField = [choice.cursor];
    if (needsPrimaryKeyPicker(stream, choice) && choice.primaryKey.length > 0) override.primaryKey = choice.primaryKey.map((field) => [field]);
    overrides[key] = override;
  }
  return { streams: names, overrides };
}
