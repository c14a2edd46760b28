// Owns definitions kept in version control (`sluice apply -f sluice.yaml`, `sluice export`): sources,
// destinations and connections as one YAML (or JSON) document. Apply creates what is missing and updates what
// differs, by name; it deletes nothing. Secrets never need to be in the file: `${VAR}` in a string is replaced by
// the environment variable (quote it in YAML: "${VAR}"), and a masked secret (as export writes it) keeps the stored value.
import { parse as parseYaml } from 'yaml';
import { describeStream } from '../../protocol/state.js';
import type { DestinationSyncMode, SyncMode } from '../../protocol/types.generated.js';
import { SluiceError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { MASK, maskConfig } from '../secrets.js';
import type { Store } from '../store/open-store.js';
import type { ActorKind, Connection, ConnectionStatus, SchemaChangePolicy } from '../store/records.js';
import type { StreamOverride } from '../sync/configured-catalog.js';
import { canonicalJson } from '../sync/canonical-json.js';
import { createActor, updateActor } from './actor-service.js';
import { createConnection, streamSummaries, updateConnection, type ConnectionDefinition } from './connection-service.js';

export interface StreamDefinition {
  name: string;
  namespace?: string;
  syncMode?: SyncMode;
  destinationSyncMode?: DestinationSyncMode;
  cursorField?: string[];
  primaryKey?: string[][];
}

export interface DefinitionsDocument {
  sources?: Array<{ name: string; connector: string; config?: unknown }>;
  destinations?: Array<{ name: string; connector: string; config?: unknown }>;
  connections?: Array<{
    name: string;
    source: string;
    destination: string;
    streams?: Array<string | StreamDefinition>;
    schedule?: string | null;
    namespace?: string | null;
    streamPrefix?: string;
    schemaChangePolicy?: SchemaChangePolicy;
    status?: ConnectionStatus;
  }>;
}

export interface ApplyResult {
  changes: Array<{ kind: 'source' | 'destination' | 'connection'; name: string; action: 'created' | 'updated' | 'unchanged' }>;
}

export function parseDefinitions(text: string, where: string, env: NodeJS.ProcessEnv = process.env): DefinitionsDocument {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new SluiceError('apply.invalid', `${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new SluiceError('apply.invalid', `${where}: expected a mapping with sources, destinations and connections`);
  for (const key of Object.keys(document)) {
    if (!['sources', 'destinations', 'connections'].includes(key)) throw new SluiceError('apply.invalid', `${where}: unknown key ${key} (expected sources, destinations, connections)`);
  }
  return substitute(document, where, env, '') as DefinitionsDocument;
}

export async function applyDocument(store: Store, text: string, where: string, logger: Logger = silentLogger): Promise<ApplyResult> {
  const document = parseDefinitions(text, where);
  const changes: ApplyResult['changes'] = [];
  for (const kind of ['source', 'destination'] as const) {
    const list = (kind === 'source' ? document.sources : document.destinations) ?? [];
    list.forEach((item, index) => requireFields(item, ['name', 'connector'], `${where}: ${kind}s[${index}]`));
    for (const item of list) changes.push({ kind, name: item.name, action: await applyActor(store, kind, item, where, logger) });
  }
  (document.connections ?? []).forEach((item, index) => requireFields(item, ['name', 'source', 'destination'], `${where}: connections[${index}]`));
  for (const item of document.connections ?? []) {
    const definition: ConnectionDefinition = {
      name: item.name,
      source: item.source,
      destination: item.destination,
      ...(item.streams ? { choice: choiceOf(item.streams) } : {}),
      schedule: item.schedule ?? null,
      namespace: item.namespace ?? null,
      streamPrefix: item.streamPrefix ?? '',
      schemaChangePolicy: item.schemaChangePolicy ?? 'ignore',
      status: item.status ?? 'active',
    };
    const existing = await store.connections.find(item.name);
    if (!existing) {
      await createConnection(store, definition, logger);
      changes.push({ kind: 'connection', name: item.name, action: 'created' });
      continue;
    }
    const current = await exportConnection(store, existing);
    // A stream named without modes matches the stored stream of that name, whatever its modes.
    const byName = new Map(current.streams.map((stream) => [stream.name, stream]));
    const streams = item.streams?.map((stream) => (typeof stream === 'string' ? byName.get(stream) ?? { name: stream } : stream));
    const wanted = { ...current, ...stripUndefined(item), streams: streams ?? current.streams };
    if (canonicalJson(wanted) === canonicalJson(current)) {
      changes.push({ kind: 'connection', name: item.name, action: 'unchanged' });
      continue;
    }
    const streamsChanged = canonicalJson(wanted.streams) !== canonicalJson(current.streams);
    await updateConnection(store, existing.id, { ...definition, ...(streamsChanged ? {} : { choice: undefined }) }, logger);
    changes.push({ kind: 'connection', name: item.name, action: 'updated' });
  }
  return { changes };
}

export async function exportDocument(store: Store): Promise<Required<DefinitionsDocument>> {
  const actors = async (kind: ActorKind) =>
    (await store.actors.list(kind)).map((actor) => ({ name: actor.name, connector: actor.connector, config: maskConfig(actor.config, actor.secretPaths) }));
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
    streams: streamSummaries(connection).map(normalizeStream),
    schedule: connection.schedule,
    namespace: connection.namespace,
    streamPrefix: connection.streamPrefix,
    schemaChangePolicy: connection.schemaChangePolicy,
    status: connection.status,
  };
}

async function applyActor(store: Store, kind: ActorKind, item: { name: string; connector: string; config?: unknown }, where: string, logger: Logger) {
  const existing = await store.actors.find(kind, item.name);
  const config = item.config ?? {};
  if (!existing) {
    if (JSON.stringify(config).includes(JSON.stringify(MASK))) {
      throw new SluiceError('apply.invalid', `${where}: ${kind} ${item.name} has a masked secret but does not exist yet`, { hint: 'give the secret, e.g. as ${ENV_VAR}' });
    }
    await createActor(store, kind, { name: item.name, connector: item.connector, config }, logger);
    return 'created' as const;
  }
  const sameConfig = canonicalJson(maskConfig(config, existing.secretPaths)) === canonicalJson(maskConfig(existing.config, existing.secretPaths))
    && canonicalJson(keepMasked(config, existing.config)) === canonicalJson(existing.config);
  if (existing.connector === item.connector && sameConfig) return 'unchanged' as const;
  await updateActor(store, kind, existing.id, { connector: item.connector, config }, logger);
  return 'updated' as const;
}

/** `config` with masked values taken from `stored` (for comparing only). */
function keepMasked(config: unknown, stored: unknown): unknown {
  if (config === MASK) return stored;
  if (Array.isArray(config)) return config.map((item, index) => keepMasked(item, Array.isArray(stored) ? stored[index] : undefined));
  if (typeof config === 'object' && config !== null) {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, keepMasked(value, (stored as Record<string, unknown> | null)?.[key])]));
  }
  return config;
}

function choiceOf(streams: Array<string | StreamDefinition>): { streams: string[]; overrides: Map<string, StreamOverride> } {
  const overrides = new Map<string, StreamOverride>();
  const names = streams.map((item) => {
    const stream = normalizeStream(item);
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

function normalizeStream(item: string | StreamDefinition): StreamDefinition {
  return typeof item === 'string' ? { name: item } : item;
}

function substitute(value: unknown, where: string, env: NodeJS.ProcessEnv, path: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) throw new SluiceError('apply.invalid', `${where}: ${path} uses \${${name}}, but ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substitute(item, where, env, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, where, env, path ? `${path}.${key}` : key)]));
  }
  return value;
}

function requireFields(item: unknown, fields: string[], where: string): void {
  if (typeof item !== 'object' || item === null) throw new SluiceError('apply.invalid', `${where}: expected a mapping`);
  for (const name of fields) {
    if (typeof (item as Record<string, unknown>)[name] !== 'string') throw new SluiceError('apply.invalid', `${where}: "${name}" is required (a string)`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
