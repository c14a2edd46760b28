// Owns the API routes of connections: list (paged), create, show, update, delete, enable, disable, sync now,
// state (show, reset) and the connection's jobs.
import { SluiceError } from '../../runtime/errors.js';
import type { ConnectionStatus, SchemaChangePolicy } from '../store/records.js';
import {
  createConnection, deleteConnection, findConnection, listConnections, publicConnection, setConnectionStatus, updateConnection, type ConnectionDefinition,
} from '../services/connection-service.js';
import { resetConnectionState, storedConnectionState } from '../services/connection-state-service.js';
import { listJobs } from '../services/job-service.js';
import { publicJob } from '../services/job-view.js';
import type { StreamOverride } from '../../runtime/sync/configured-catalog.js';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import type { MappersDefinition } from '../../runtime/mappers/index.js';
import { validateDefinition, formatIssues } from '../../protocol/validators.js';
import { field, page, pagination } from './request-body.js';
import { createConnectionBody, nameParams, noBody, pageQuery, resetStateBody, updateConnectionBody } from './request-schemas.js';
import { Connection, ConnectionState, Job, NoContent, Page, StateReset, SyncStarted, withErrors } from './response-schemas.js';
import { API, route, type Route } from './route.js';

export function connectionRoutes(): Route[] {
  const base = `${API}/connections`;
  const tag = 'connections';
  return [
    route({ method: 'GET', path: base, tag, summary: 'List connections', schema: { querystring: pageQuery, response: withErrors({ 200: Page(Connection) }) }, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const rows = await listConnections(store, { limit: at.limit + 1, offset: at.offset });
      return { body: page(await Promise.all(rows.map((row) => publicConnection(store, row))), at) };
    } }),
    route({ method: 'POST', path: base, tag, summary: 'Create a connection; its streams are checked against what the source discovers', schema: { body: createConnectionBody, response: withErrors({ 201: Connection }) },
      handle: async ({ store, logger }, { body }) => {
        const definition = connectionDefinition(body);
        for (const name of ['name', 'source', 'destination'] as const) field(body, name, 'string', true);
        const connection = await createConnection(store, definition as ConnectionDefinition, logger);
        return { status: 201, body: await publicConnection(store, connection) };
      } }),
    route({ method: 'GET', path: `${base}/{name}`, tag, summary: 'Show a connection', schema: { params: nameParams, response: withErrors({ 200: Connection }) }, handle: async ({ store }, { params }) => ({
      body: await publicConnection(store, await findConnection(store, params['name']!)),
    }) }),
    route({ method: 'PATCH', path: `${base}/{name}`, tag, summary: 'Change a connection', schema: { params: nameParams, body: updateConnectionBody, response: withErrors({ 200: Connection }) }, handle: async ({ store, logger }, { params, body }) => ({
      body: await publicConnection(store, await updateConnection(store, params['name']!, connectionDefinition(body), logger)),
    }) }),
    route({ method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a connection with its state and jobs', schema: { params: nameParams, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { params }) => {
      await deleteConnection(store, params['name']!);
      return { status: 204 };
    } }),
    ...(['enable', 'disable'] as const).map((verb): Route => route({
      method: 'POST', path: `${base}/{name}/${verb}`, tag, summary: verb === 'enable' ? 'Let the scheduler run the connection' : 'Stop the scheduler from running the connection',
      schema: { params: nameParams, body: noBody, response: withErrors({ 200: Connection }) },
      handle: async ({ store }, { params }) => ({
        body: await publicConnection(store, await setConnectionStatus(store, params['name']!, verb === 'enable' ? 'active' : 'inactive')),
      }),
    })),
    route({ method: 'POST', path: `${base}/{name}/sync`, tag, summary: 'Start a job now (202 with the job), or queue it when the concurrency limit is reached',
      schema: { params: nameParams, body: noBody, response: withErrors({ 202: SyncStarted }) }, handle: async ({ store, scheduler }, { params }) => {
      const connection = await findConnection(store, params['name']!);
      const result = await scheduler.trigger(connection, 'api');
      return { status: 202, body: 'started' in result ? { job: publicJob(result.started, connection.name) } : { queued: result.queued } };
    } }),
    route({ method: 'GET', path: `${base}/{name}/state`, tag, summary: "The connection's state in its stored form", schema: { params: nameParams, response: withErrors({ 200: ConnectionState }) }, handle: async ({ store }, { params }) => {
      const { connection, state } = await storedConnectionState(store, params['name']!);
      return { body: { connection: connection.name, state } };
    } }),
    route({ method: 'POST', path: `${base}/{name}/state/reset`, tag, summary: 'Forget the state of one stream, or of all streams',
      schema: { params: nameParams, body: resetStateBody, response: withErrors({ 200: StateReset }) }, handle: async ({ store }, { params, body }) => {
      const stream = field<string>(body, 'stream', 'string');
      await resetConnectionState(store, params['name']!, stream);
      return { body: { reset: stream ?? 'all' } };
    } }),
    route({ method: 'GET', path: `${base}/{name}/jobs`, tag, summary: "The connection's jobs, newest first", schema: { params: nameParams, querystring: pageQuery, response: withErrors({ 200: Page(Job) }) }, handle: async ({ store }, { params, query }) => {
      const at = pagination(query);
      const jobs = await listJobs(store, { connection: params['name']!, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map(({ job, connection }) => publicJob(job, connection)), at) };
    } }),
  ];
}

function connectionDefinition(body: unknown): Partial<ConnectionDefinition> {
  const streams = field<string[]>(body, 'streams', 'array');
  const overrides = field<Record<string, StreamOverride>>(body, 'overrides', 'object');
  const definition: Partial<ConnectionDefinition> = {};
  const name = field<string>(body, 'name', 'string');
  if (name !== undefined) definition.name = name;
  const source = field<string>(body, 'source', 'string');
  if (source !== undefined) definition.source = source;
  const destination = field<string>(body, 'destination', 'string');
  if (destination !== undefined) definition.destination = destination;
  const catalog = field<ConfiguredAirbyteCatalog>(body, 'catalog', 'object');
  if (catalog) {
    const issues = validateDefinition('ConfiguredAirbyteCatalog', catalog);
    if (issues.length > 0) throw new SluiceError('catalog.invalid', formatIssues(issues.slice(0, 3), 'catalog'));
    definition.catalog = catalog;
  }
  if (streams !== undefined || overrides !== undefined) definition.choice = { streams, overrides: overrides ? new Map(Object.entries(overrides)) : undefined };
  const schedule = field<string | null>(body, 'schedule', 'string');
  if (schedule !== undefined) definition.schedule = schedule;
  const namespace = field<string | null>(body, 'namespace', 'string');
  if (namespace !== undefined) definition.namespace = namespace;
  const prefix = field<string>(body, 'streamPrefix', 'string');
  if (prefix !== undefined) definition.streamPrefix = prefix;
  const policy = field<SchemaChangePolicy>(body, 'schemaChangePolicy', 'string');
  if (policy !== undefined) definition.schemaChangePolicy = policy;
  const status = field<ConnectionStatus>(body, 'status', 'string');
  if (status !== undefined) {
    if (status !== 'active' && status !== 'inactive') throw new SluiceError('api.bad_request', `status ${status}: expected active or inactive`);
    definition.status = status;
  }
  const workerLabel = field<string | null>(body, 'workerLabel', 'string');
  if (workerLabel !== undefined) definition.workerLabel = workerLabel;
  if (body !== null && typeof body === 'object' && Object.hasOwn(body, 'mappers')) definition.mappers = (body as { mappers: MappersDefinition | null }).mappers;
  return definition;
}
