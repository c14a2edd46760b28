// Owns defining connections: a source and a destination by name, the configured catalog (built from what the
// source discovers, with stream choice and overrides, or given whole and checked against discover), the
// destination's supported modes checked, the schedule validated, the mappers planned against the catalog, and what
// may be shown of a connection (mapper secrets masked), and the worker label its jobs require checked.
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, DestinationSyncMode, SyncMode } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError } from '../../runtime/errors.js';
import { keepMaskedMapperSecrets, maskMapperSecrets, planMappers, type MappersDefinition } from '../../runtime/mappers/index.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import type { Store } from '../store/open-store.js';
import { SCHEMA_CHANGE_POLICIES, type Connection, type ConnectionStatus, type Page, type SchemaChangePolicy } from '../store/records.js';
import { buildConfiguredCatalog, checkConfiguredCatalog, checkDestinationModes, type CatalogChoice } from '../../runtime/sync/configured-catalog.js';
import { findActor } from './actor-service.js';
import { clientFor } from './clients.js';
import { isContinuous, nextRunAt, normalizeSchedule, parseSchedule } from '../jobs/schedule.js';
import { checkWorkerLabel } from '../jobs/worker-label.js';
import { publicJob } from './job-view.js';
import { mergeChoice } from './stream-choice.js';

export interface ConnectionDefinition {
  name: string;
  source: string;
  destination: string;
  /** A whole configured catalog; otherwise built from `choice`. */
  catalog?: ConfiguredAirbyteCatalog;
  choice?: CatalogChoice;
  /** On update: rebuild the streams from what the source discovers now (all streams, defaults unless `choice` says). */
  refreshCatalog?: boolean;
  namespace?: string | null;
  streamPrefix?: string;
  schedule?: string | null;
  schemaChangePolicy?: SchemaChangePolicy;
  status?: ConnectionStatus;
  /** Per stream, the mappers (issue 12); null or {} for none. On update: absent keeps the stored ones, and a masked salt or key keeps the stored value. */
  mappers?: MappersDefinition | null;
  /** The label a worker must have to run its jobs (control/jobs/worker-label.ts); null for any worker. On update: absent keeps the stored one. */
  workerLabel?: string | null;
}

/** A connection as the CLI and the API show it: the stored record with names instead of ids, and ISO times. */
export interface PublicConnection
  extends Pick<Connection, 'id' | 'name' | 'namespace' | 'streamPrefix' | 'schedule' | 'status' | 'statusReason' | 'schemaChangePolicy' | 'workerLabel'> {
  source: string;
  destination: string;
  streams: Array<StreamSummary & { fields: string[] }>;
  createdAt: string;
  updatedAt: string;
  /** When its schedule next runs it (ISO); null when it has no schedule or is disabled. */
  nextRunAt: string | null;
  /** Its newest job (public shape), or null. */
  lastJob: Record<string, unknown> | null;
  /** Its mappers with each salt and key masked; null for none. */
  mappers: MappersDefinition | null;
}

export interface StreamSummary { name: string; namespace?: string; syncMode: SyncMode; destinationSyncMode: DestinationSyncMode; cursorField?: string[]; primaryKey?: string[][] }

/** Each configured stream of a connection as shown and exported: name, modes, cursor and key. */
export function streamSummaries(connection: Connection): StreamSummary[] {
  return connection.catalog.streams.map((configured) => ({
    name: configured.stream.name,
    ...(configured.stream.namespace ? { namespace: configured.stream.namespace } : {}),
    syncMode: configured.sync_mode,
    destinationSyncMode: configured.destination_sync_mode,
    ...(configured.cursor_field?.length ? { cursorField: configured.cursor_field } : {}),
    ...(configured.primary_key?.length ? { primaryKey: configured.primary_key } : {}),
  }));
}

export async function publicConnection(store: Store, connection: Connection): Promise<PublicConnection> {
  const [source, destination, last] = await Promise.all([
    store.actors.byId(connection.sourceId), store.actors.byId(connection.destinationId), store.jobs.last(connection.id),
  ]);
  return {
    id: connection.id,
    name: connection.name,
    source: source?.name ?? connection.sourceId,
    destination: destination?.name ?? connection.destinationId,
    streams: streamSummaries(connection).map((summary, index) => ({ ...summary, fields: topLevelFields(connection.catalog.streams[index]!.stream.json_schema) })),
    namespace: connection.namespace,
    streamPrefix: connection.streamPrefix,
    schedule: connection.schedule,
    status: connection.status,
    statusReason: connection.statusReason,
    schemaChangePolicy: connection.schemaChangePolicy,
    workerLabel: connection.workerLabel,
    createdAt: new Date(connection.createdAt).toISOString(),
    updatedAt: new Date(connection.updatedAt).toISOString(),
    nextRunAt: nextRunOf(connection, last?.createdAt),
    lastJob: last ? publicJob(last, connection.name) : null,
    mappers: maskedMappers(connection),
  };
}

/** The top-level properties of a stream's JSON schema as the source gave it (what mappers and the dashboard's field pickers name). */
function topLevelFields(jsonSchema: Record<string, unknown>): string[] {
  const properties = jsonSchema['properties'];
  return properties !== null && typeof properties === 'object' && !Array.isArray(properties) ? Object.keys(properties) : [];
}

/**
 * When the scheduler will next run the connection, by its rule (control/jobs/scheduler.ts): an interval counts from
 * the last job (none yet: now), a cron fires at its next time after the last job or now. Null without a schedule,
 * while disabled, for a continuous one, or when a cron never fires again.
 */
function nextRunOf(connection: Connection, lastRunAt: number | undefined, now = Date.now()): string | null {
  // A continuous connection has no next run: its job runs all the time (restarted by the scheduler).
  if (connection.schedule === null || connection.status !== 'active' || isContinuous(connection.schedule)) return null;
  const at = nextRunAt(parseSchedule(connection.schedule), lastRunAt, now);
  return Number.isFinite(at) ? new Date(at).toISOString() : null;
}

/** The connection's mappers as they may be shown: salts and keys masked. */
export function maskedMappers(connection: Pick<Connection, 'mappers'>): MappersDefinition | null {
  return connection.mappers === null ? null : (maskMapperSecrets(connection.mappers) as MappersDefinition);
}

export function listConnections(store: Store, page: Page = {}): Promise<Connection[]> {
  return store.connections.list(page);
}

export async function createConnection(store: Store, definition: ConnectionDefinition, logger: Logger = silentLogger): Promise<Connection> {
  checkName(definition.name);
  checkLabel(definition);
  // A new connection has no stored salt or key for a masked one to keep: refused, never stored as the mask.
  const mappers = keepMaskedMapperSecrets(definition.mappers ?? null, null) as MappersDefinition | null;
  const fields = await settle(store, { ...definition, mappers }, logger);
  return store.connections.create({ name: definition.name, ...fields, statusReason: null });
}

/**
 * Updates the fields given; the catalog is rebuilt when streams, overrides, a catalog, or the source change. A
 * stream choice is merged into the stored streams (stream-choice.ts) unless the catalog is refreshed.
 */
export async function updateConnection(
  store: Store,
  nameOrId: string,
  patch: Partial<ConnectionDefinition>,
  logger: Logger = silentLogger,
): Promise<Connection> {
  const connection = await findConnection(store, nameOrId);
  const [source, destination] = await Promise.all([store.actors.byId(connection.sourceId), store.actors.byId(connection.destinationId)]);
  const choosing = patch.choice !== undefined || patch.refreshCatalog === true;
  const rebuild = patch.catalog !== undefined || choosing || patch.source !== undefined || patch.destination !== undefined;
  const definition: ConnectionDefinition = {
    name: patch.name ?? connection.name,
    source: patch.source ?? source!.name,
    destination: patch.destination ?? destination!.name,
    catalog: patch.catalog ?? (choosing ? undefined : connection.catalog),
    choice: patch.refreshCatalog || !patch.choice ? patch.choice : mergeChoice(connection.catalog, patch.choice),
    namespace: patch.namespace === undefined ? connection.namespace : patch.namespace,
    streamPrefix: patch.streamPrefix ?? connection.streamPrefix,
    schedule: patch.schedule === undefined ? connection.schedule : patch.schedule,
    schemaChangePolicy: patch.schemaChangePolicy ?? connection.schemaChangePolicy,
    status: patch.status ?? connection.status,
    mappers: patch.mappers === undefined ? connection.mappers : (keepMaskedMapperSecrets(patch.mappers, connection.mappers) as MappersDefinition | null),
    workerLabel: patch.workerLabel === undefined ? connection.workerLabel : patch.workerLabel,
  };
  checkName(definition.name);
  checkLabel(definition);
  const fields = rebuild ? await settle(store, definition, logger, connection.catalog) : await settleWithoutDiscover(store, definition, connection.catalog, connection.discovered);
  const statusReason = fields.status === connection.status ? connection.statusReason : null;
  const updated = await store.connections.update(connection.id, { name: definition.name, ...fields, statusReason });
  await stopFollowingJob(store, updated);
  return updated;
}

export async function setConnectionStatus(store: Store, nameOrId: string, status: ConnectionStatus, reason: string | null = null): Promise<Connection> {
  const connection = await findConnection(store, nameOrId);
  await store.connections.setStatus(connection.id, status, reason);
  const updated = (await store.connections.byId(connection.id))!;
  await stopFollowingJob(store, updated);
  return updated;
}

/**
 * A connection that no longer follows (disabled, or its schedule is no longer continuous) has its following job
 * stopped: through the job row's cancel flag, which its runner's heartbeat sees on whichever process or worker runs
 * it (the scheduler's tick catches any other way a connection stops following).
 */
async function stopFollowingJob(store: Store, connection: Connection): Promise<void> {
  if (connection.status === 'active' && isContinuous(connection.schedule)) return;
  const running = await store.jobs.running(connection.id);
  if (running?.follow) await store.jobs.requestCancel(running.id, 'stop_following');
}

export async function deleteConnection(store: Store, nameOrId: string): Promise<Connection> {
  const connection = await findConnection(store, nameOrId);
  const running = await store.jobs.running(connection.id);
  if (running) throw new SluiceError('job.already_running', `connection ${connection.name} has a running job (job ${running.id}); cancel it first`);
  await store.connections.delete(connection.id);
  return connection;
}

export async function findConnection(store: Store, nameOrId: string): Promise<Connection> {
  const connection = await store.connections.find(nameOrId);
  if (!connection) throw new SluiceError('connection.not_found', `no connection named ${nameOrId}`, { hint: 'see: sluice connection list' });
  return connection;
}

type SettledFields = Omit<Connection, 'id' | 'name' | 'statusReason' | 'createdAt' | 'updatedAt'>;

/** `previous`: the stored catalog, when updating (a stream it loses must not keep mappers). */
async function settle(store: Store, definition: ConnectionDefinition, logger: Logger, previous?: ConfiguredAirbyteCatalog): Promise<SettledFields> {
  const source = await findActor(store, 'source', definition.source);
  const destination = await findActor(store, 'destination', definition.destination);
  const [sourceClient, destinationClient] = await Promise.all([clientFor(source.connector, { logger }), clientFor(destination.connector, { logger })]);
  const [discovered, destinationSpec] = await Promise.all([
    sourceClient.discover(source.config, `source ${source.name} config`),
    destinationClient.spec(),
  ]);
  const catalog = definition.catalog ?? buildConfiguredCatalog(discovered, definition.choice);
  if (definition.catalog) checkConfiguredCatalog(catalog, discovered);
  checkDestinationModes(catalog, destinationSpec.supported_destination_sync_modes, destination.name);
  return fieldsOf(definition, source.id, destination.id, catalog, discovered, previous);
}

async function settleWithoutDiscover(store: Store, definition: ConnectionDefinition, catalog: ConfiguredAirbyteCatalog, discovered: AirbyteCatalog | null): Promise<SettledFields> {
  const source = await findActor(store, 'source', definition.source);
  const destination = await findActor(store, 'destination', definition.destination);
  return fieldsOf(definition, source.id, destination.id, catalog, discovered);
}

function fieldsOf(
  definition: ConnectionDefinition,
  sourceId: string,
  destinationId: string,
  catalog: ConfiguredAirbyteCatalog,
  discovered: AirbyteCatalog | null,
  previous?: ConfiguredAirbyteCatalog,
): SettledFields {
  const policy = definition.schemaChangePolicy ?? 'ignore';
  if (!SCHEMA_CHANGE_POLICIES.includes(policy)) {
    throw new SluiceError('connection.invalid', `schema change policy ${policy}: expected one of ${SCHEMA_CHANGE_POLICIES.join(', ')}`);
  }
  if (catalog.streams.length === 0) throw new SluiceError('connection.invalid', `connection ${definition.name} has no streams`);
  const mappers = definition.mappers && Object.keys(definition.mappers).length > 0 ? definition.mappers : null;
  // Planned here, so a mapper that cannot run (unknown stream or field, bad key, bad expression) is refused before it is saved.
  if (mappers !== null && previous) checkNoMappersOnRemovedStreams(previous, catalog, mappers);
  if (mappers !== null) planMappers(catalog, mappers);
  return {
    sourceId,
    destinationId,
    catalog,
    discovered,
    namespace: definition.namespace ?? null,
    streamPrefix: definition.streamPrefix ?? '',
    schedule: normalizeSchedule(definition.schedule),
    status: definition.status ?? 'active',
    schemaChangePolicy: policy,
    mappers,
    workerLabel: definition.workerLabel ?? null,
  };
}

/** An update that takes a stream out of the connection while that stream keeps mappers: refused, naming it. */
function checkNoMappersOnRemovedStreams(previous: ConfiguredAirbyteCatalog, catalog: ConfiguredAirbyteCatalog, mappers: MappersDefinition): void {
  const kept = new Set(streamNames(catalog));
  const removed = streamNames(previous).find((stream) => !kept.has(stream) && Object.hasOwn(mappers, stream));
  if (removed === undefined) return;
  throw new SluiceError(
    'mapper.invalid',
    `mappers for stream ${removed}: this change removes the stream from the connection (its streams would be: ${[...kept].join(', ')}); remove the stream's mappers with it (on the command line: --clear-maps ${removed})`,
  );
}

export function streamNames(catalog: ConfiguredAirbyteCatalog): string[] {
  return catalog.streams.map((configured) => describeStream(configured.stream));
}

/** Checked before anything is discovered, so a bad label is the one error an update or create gives. */
function checkLabel(definition: ConnectionDefinition): void {
  if (definition.workerLabel != null) checkWorkerLabel(definition.workerLabel, 'workerLabel', 'connection.invalid');
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new SluiceError('cli.usage', `connection name "${name}": use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit`);
  }
}
