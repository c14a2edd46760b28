// Owns definitions kept in version control (`sluice apply -f sluice.yaml`, `sluice export`): sources,
// destinations and connections as one YAML (or JSON) document, read and checked by apply-file.ts. Apply creates
// what is missing and updates what differs, by name; it deletes nothing, and a field the file leaves out keeps its
// stored value (a new definition gets the default). A dry run reports the same plan and changes nothing. Secrets
// never need to be in the file: `${VAR}` in a string is replaced by the environment variable, and a masked secret
// (as export writes it) keeps the stored value. Relative paths in a config mean the file's directory.
import { describeStream } from '../../protocol/state.js';
import { SluiceError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { MASK, maskConfig } from '../../runtime/secrets.js';
import { keepMaskedMapperSecrets, maskMapperSecrets, type MappersDefinition } from '../../runtime/mappers/index.js';
import type { Store } from '../store/open-store.js';
import type { ActorKind, Connection } from '../store/records.js';
import type { StreamOverride } from '../../runtime/sync/configured-catalog.js';
import { canonicalJson } from '../../runtime/sync/canonical-json.js';
import { createActor, prepareActor, updateActor } from './actor-service.js';
import { parseDefinitions, type ActorItem, type ConnectionItem, type DefinitionsDocument, type StreamDefinition } from './apply-file.js';
import { createConnection, maskedMappers, streamSummaries, updateConnection, type ConnectionDefinition } from './connection-service.js';
import { normalizeSchedule } from '../jobs/schedule.js';
import { mergeStreamSettings } from './stream-choice.js';

export { parseDefinitions, type DefinitionsDocument, type StreamDefinition } from './apply-file.js';

export interface ApplyOptions {
  /** Report what would change, change nothing. */
  dryRun?: boolean;
  /** What relative paths in a config mean: the file's directory (default: the working directory). */
  baseDir?: string;
}

export interface ApplyChange {
  kind: 'source' | 'destination' | 'connection';
  name: string;
  action: 'created' | 'updated' | 'unchanged';
  /** For an update, the fields that differ (names only, never values). */
  fields?: string[];
}

export interface ApplyResult {
  /** Present (true) only for a dry run. */
  dryRun?: true;
  changes: ApplyChange[];
}

type ConnectionView = Awaited<ReturnType<typeof exportConnection>>;
const CONNECTION_FIELDS = ['source', 'destination', 'streams', 'schedule', 'namespace', 'streamPrefix', 'schemaChangePolicy', 'status', 'workerLabel', 'mappers'] as const;

export async function applyDocument(store: Store, text: string, where: string, logger: Logger = silentLogger, options: ApplyOptions = {}): Promise<ApplyResult> {
  const document = parseDefinitions(text, where);
  const dryRun = options.dryRun ?? false;
  const changes: ApplyChange[] = [];
  for (const kind of ['source', 'destination'] as const) {
    for (const item of (kind === 'source' ? document.sources : document.destinations) ?? []) {
      changes.push(await applyActor(store, kind, item, where, logger, options));
    }
  }
  for (const item of document.connections ?? []) changes.push(await applyConnection(store, document, item, logger, dryRun));
  return { ...(dryRun ? { dryRun: true as const } : {}), changes };
}

export async function exportDocument(store: Store): Promise<Required<DefinitionsDocument>> {
  const actors = async (kind: ActorKind) =>
    (await store.actors.list(kind)).map((actor) => ({ name: actor.name, connector: actor.connector, config: maskConfig(actor.config, actor.secretPaths) as Record<string, unknown> }));
  return {
    sources: await actors('source'),
    destinations: await actors('destination'),
    connections: await Promise.all((await store.connections.list()).map((connection) => exportConnection(store, connection))),
  };
}

async function exportConnection(store: Store, connection: Connection) {
  const [source, destination] = await Promise.all([store.actors.byId(connection.sourceId), store.actors.byId(connection.destinationId)]);
  return {
    name: connection.name,
    source: source?.name ?? connection.sourceId,
    destination: destination?.name ?? connection.destinationId,
    streams: streamSummaries(connection) as StreamDefinition[],
    schedule: connection.schedule,
    namespace: connection.namespace,
    streamPrefix: connection.streamPrefix,
    schemaChangePolicy: connection.schemaChangePolicy,
    status: connection.status,
    workerLabel: connection.workerLabel,
    mappers: maskedMappers(connection),
  };
}

async function applyActor(store: Store, kind: ActorKind, item: ActorItem, where: string, logger: Logger, options: ApplyOptions): Promise<ApplyChange> {
  const existing = await store.actors.find(kind, item.name);
  const config = item.config ?? {};
  const at = { kind, name: item.name };
  if (!existing) {
    if (JSON.stringify(config).includes(JSON.stringify(MASK))) {
      throw new SluiceError('apply.invalid', `${where}: ${kind} ${item.name} has a masked secret but does not exist yet`, { hint: 'give the secret, e.g. as ${ENV_VAR}' });
    }
    const definition = { name: item.name, connector: item.connector, config };
    if (options.dryRun) await prepareActor(kind, definition, logger, options);
    else await createActor(store, kind, definition, logger, options);
    return { ...at, action: 'created' };
  }
  // The file's config as it would be stored: masked secrets keep their stored values, relative paths made absolute.
  const withSecrets = keepMasked(config, existing.config);
  const prepared = await prepareActor(kind, { name: item.name, connector: item.connector, config: withSecrets }, logger, options);
  const fields = [
    ...(existing.connector === item.connector ? [] : ['connector']),
    ...differingKeys(prepared.config, existing.config).map((key) => `config.${key}`),
  ];
  if (fields.length === 0) return { ...at, action: 'unchanged' };
  if (!options.dryRun) await updateActor(store, kind, existing.id, { connector: item.connector, config: withSecrets }, logger, options);
  return { ...at, action: 'updated', fields };
}

async function applyConnection(store: Store, document: DefinitionsDocument, item: ConnectionItem, logger: Logger, dryRun: boolean): Promise<ApplyChange> {
  const at = { kind: 'connection' as const, name: item.name };
  if (dryRun) await checkActorsExist(store, document, item);
  const existing = await store.connections.find(item.name);
  if (!existing) {
    if (!dryRun) {
      await createConnection(store, {
        name: item.name,
        source: item.source,
        destination: item.destination,
        ...(item.streams ? { choice: choiceOf(item.streams) } : {}),
        schedule: item.schedule ?? null,
        namespace: item.namespace ?? null,
        streamPrefix: item.streamPrefix ?? '',
        schemaChangePolicy: item.schemaChangePolicy ?? 'ignore',
        status: item.status ?? 'active',
        workerLabel: item.workerLabel ?? null,
        mappers: item.mappers ?? null,
      }, logger);
    }
    return { ...at, action: 'created' };
  }
  const current = await exportConnection(store, existing);
  const wanted: ConnectionView = {
    ...current,
    ...stripUndefined(item),
    ...(item.schedule === undefined ? {} : { schedule: normalizeSchedule(item.schedule) }),
    streams: wantedStreams(current.streams, item.streams),
  };
  const fields = CONNECTION_FIELDS.filter((field) =>
    field === 'mappers' ? item.mappers !== undefined && mappersChanged(item.mappers, existing) : canonicalJson(wanted[field]) !== canonicalJson(current[field]),
  );
  if (fields.length === 0) return { ...at, action: 'unchanged' };
  if (!dryRun) {
    const patch: Partial<ConnectionDefinition> = {};
    for (const field of fields) {
      if (field === 'streams') patch.choice = choiceOf(item.streams!);
      else if (field === 'mappers') patch.mappers = item.mappers ?? null;
      else (patch as Record<string, unknown>)[field] = wanted[field];
    }
    await updateConnection(store, existing.id, patch, logger);
  }
  return { ...at, action: 'updated', fields };
}

/**
 * Whether the file's mappers differ from the stored ones. A salt or key given as the mask stands for the stored value
 * at its place (as an update keeps it), so an exported file applied again is unchanged and a new secret is a change.
 * Compared unmasked in memory only: the change is reported by field name, never by value.
 */
function mappersChanged(given: MappersDefinition | null, existing: Connection): boolean {
  const none = (mappers: MappersDefinition | null | undefined) => mappers === null || mappers === undefined || Object.keys(mappers).length === 0;
  if (none(given) || none(existing.mappers)) return none(given) !== none(existing.mappers);
  return canonicalJson(keepMaskedMapperSecrets(given, existing.mappers)) !== canonicalJson(existing.mappers);
}

/** A dry run cannot discover a connection's streams, but it can say that its source or destination is nowhere. */
async function checkActorsExist(store: Store, document: DefinitionsDocument, item: ConnectionItem): Promise<void> {
  for (const kind of ['source', 'destination'] as const) {
    const name = item[kind];
    const inFile = (kind === 'source' ? document.sources : document.destinations)?.some((actor) => actor.name === name);
    if (!inFile && !(await store.actors.find(kind, name))) {
      throw new SluiceError(kind === 'source' ? 'source.not_found' : 'destination.not_found', `connection ${item.name}: no ${kind} named ${name}, in the workspace or the file`);
    }
  }
}

/** The streams as they would be stored: a stream named alone keeps its stored settings, one with settings merges them in. */
function wantedStreams(current: StreamDefinition[], given: ConnectionItem['streams']): StreamDefinition[] {
  if (!given) return current;
  const key = (stream: StreamDefinition) => describeStream({ name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) });
  const stored = new Map(current.map((stream) => [key(stream), stream]));
  return given.map((item) => {
    if (typeof item === 'string') return stored.get(item) ?? { name: item };
    const kept = stored.get(key(item));
    return kept ? mergeStreamSettings(kept, item) : item;
  });
}

function choiceOf(streams: Array<string | StreamDefinition>): { streams: string[]; overrides: Map<string, StreamOverride> } {
  const overrides = new Map<string, StreamOverride>();
  const names = streams.map((item) => {
    const stream = typeof item === 'string' ? { name: item } : item;
    const name = describeStream({ name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) });
    const override: StreamOverride = {
      ...(stream.syncMode ? { syncMode: stream.syncMode } : {}),
      ...(stream.destinationSyncMode ? { destinationSyncMode: stream.destinationSyncMode } : {}),
      ...(stream.cursorField ? { cursorField: stream.cursorField } : {}),
      ...(stream.primaryKey ? { primaryKey: stream.primaryKey } : {}),
    };
    if (Object.keys(override).length > 0) overrides.set(name, override);
    return name;
  });
  return { streams: names, overrides };
}

/** `config` with masked values taken from `stored`. */
function keepMasked(config: unknown, stored: unknown): unknown {
  if (config === MASK) return stored;
  if (Array.isArray(config)) return config.map((item, index) => keepMasked(item, Array.isArray(stored) ? stored[index] : undefined));
  if (typeof config === 'object' && config !== null) {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, keepMasked(value, (stored as Record<string, unknown> | null)?.[key])]));
  }
  return config;
}

/** The top-level keys whose values differ between two configs (names only: a value may be a secret). */
function differingKeys(a: unknown, b: unknown): string[] {
  const left = (a ?? {}) as Record<string, unknown>;
  const right = (b ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.filter((key) => canonicalJson(left[key]) !== canonicalJson(right[key]));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
