// Owns the REST API's routes: for each, its method, path, summary and handler. Everything the CLI does over
// the store: sources, destinations, connections (with sync, state, jobs), jobs (with cancel and logs),
// webhooks, apply and export. Secrets never leave: actors are always returned with masked configs.
import { SluiceError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import type { ActorKind, ConnectionStatus, SchemaChangePolicy } from '../store/records.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../store/webhook-repo.js';
import { checkActor, createActor, deleteActor, findActor, publicActor, updateActor } from '../control/actor-service.js';
import {
  createConnection, deleteConnection, findConnection, publicConnection, setConnectionStatus, updateConnection, type ConnectionDefinition,
} from '../control/connection-service.js';
import { publicJob } from '../control/job-view.js';
import { readJobLog } from '../control/job-log.js';
import type { Scheduler } from '../control/scheduler.js';
import { loadConnectionState } from '../store/connection-state-store.js';
import type { StreamOverride } from '../sync/configured-catalog.js';
import type { ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { field, page, pagination } from './request-body.js';
import { applyDocument, exportDocument } from '../control/definitions.js';

export interface ApiDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
}

export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  rawBody: string;
  contentType: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  /** Lists accept ?limit=&offset= and answer { data, pagination }. */
  paged?: boolean;
  /** The JSON body's fields, for the OpenAPI document. */
  bodyFields?: Record<string, string>;
  handle(deps: ApiDeps, context: RequestContext): Promise<Reply>;
}

const API = '/api/v1';

export function apiRoutes(): Route[] {
  return [
    { method: 'GET', path: `${API}/health`, tag: 'server', summary: 'Liveness, and what the scheduler is doing', handle: async ({ scheduler }) => ({
      body: { status: 'ok', running: scheduler.runningJobs.map((job) => job.id), queued: scheduler.queued.length, concurrency: scheduler.concurrency },
    }) },
    ...actorRoutes('source'),
    ...actorRoutes('destination'),
    ...connectionRoutes(),
    ...jobRoutes(),
    ...webhookRoutes(),
    { method: 'POST', path: `${API}/apply`, tag: 'definitions', summary: 'Create or update sources, destinations and connections from a sluice.yaml document (YAML or JSON)', handle: async ({ store, logger }, { rawBody }) => ({
      body: await applyDocument(store, rawBody, 'request body', logger),
    }) },
    { method: 'GET', path: `${API}/export`, tag: 'definitions', summary: 'Every definition as a sluice.yaml document (JSON; secrets masked)', handle: async ({ store }) => ({
      body: await exportDocument(store),
    }) },
  ];
}

function actorRoutes(kind: ActorKind): Route[] {
  const base = `${API}/${kind}s`;
  const tag = `${kind}s`;
  return [
    { method: 'GET', path: base, tag, paged: true, summary: `List ${kind}s (configs with secrets masked)`, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      return { body: page((await store.actors.list(kind, { limit: at.limit + 1, offset: at.offset })).map(publicActor), at) };
    } },
    { method: 'POST', path: base, tag, summary: `Create a ${kind}; its config is checked against the connector's spec`, bodyFields: { name: 'string', connector: 'string', config: 'object' },
      handle: async ({ store, logger }, { body }) => {
        const actor = await createActor(store, kind, {
          name: field<string>(body, 'name', 'string', true)!, connector: field<string>(body, 'connector', 'string', true)!, config: field(body, 'config', 'object') ?? {},
        }, logger);
        return { status: 201, body: publicActor(actor) };
      } },
    { method: 'GET', path: `${base}/{name}`, tag, summary: `Show a ${kind}`, handle: async ({ store }, { params }) => ({ body: publicActor(await findActor(store, kind, params['name']!)) }) },
    { method: 'PATCH', path: `${base}/{name}`, tag, summary: `Change a ${kind} (a masked secret keeps its stored value)`, bodyFields: { name: 'string', connector: 'string', config: 'object' },
      handle: async ({ store, logger }, { params, body }) => ({
        body: publicActor(await updateActor(store, kind, params['name']!, {
          name: field<string>(body, 'name', 'string'), connector: field<string>(body, 'connector', 'string'), config: field(body, 'config', 'object'),
        }, logger)),
      }) },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: `Delete a ${kind} no connection uses`, handle: async ({ store }, { params }) => {
      await deleteActor(store, kind, params['name']!);
      return { status: 204 };
    } },
    { method: 'POST', path: `${base}/{name}/check`, tag, summary: `Run the connector's check with the stored config`, handle: async ({ store, logger }, { params }) => ({
      body: await checkActor(store, kind, params['name']!, logger),
    }) },
  ];
}

function connectionRoutes(): Route[] {
  const base = `${API}/connections`;
  const tag = 'connections';
  const definitionFields = {
    name: 'string', source: 'string', destination: 'string', streams: 'array', overrides: 'object', catalog: 'object', schedule: 'string',
    namespace: 'string', streamPrefix: 'string', schemaChangePolicy: 'string', status: 'string',
  };
  return [
    { method: 'GET', path: base, tag, paged: true, summary: 'List connections', handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const rows = await store.connections.list({ limit: at.limit + 1, offset: at.offset });
      return { body: page(await Promise.all(rows.map((row) => publicConnection(store, row))), at) };
    } },
    { method: 'POST', path: base, tag, summary: 'Create a connection; its streams are checked against what the source discovers', bodyFields: definitionFields,
      handle: async ({ store, logger }, { body }) => {
        const definition = connectionDefinition(body);
        for (const name of ['name', 'source', 'destination'] as const) field(body, name, 'string', true);
        const connection = await createConnection(store, definition as ConnectionDefinition, logger);
        return { status: 201, body: await publicConnection(store, connection) };
      } },
    { method: 'GET', path: `${base}/{name}`, tag, summary: 'Show a connection', handle: async ({ store }, { params }) => ({
      body: await publicConnection(store, await findConnection(store, params['name']!)),
    }) },
    { method: 'PATCH', path: `${base}/{name}`, tag, summary: 'Change a connection', bodyFields: definitionFields, handle: async ({ store, logger }, { params, body }) => ({
      body: await publicConnection(store, await updateConnection(store, params['name']!, connectionDefinition(body), logger)),
    }) },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a connection with its state and jobs', handle: async ({ store }, { params }) => {
      await deleteConnection(store, params['name']!);
      return { status: 204 };
    } },
    ...(['enable', 'disable'] as const).map((verb): Route => ({
      method: 'POST', path: `${base}/{name}/${verb}`, tag, summary: verb === 'enable' ? 'Let the scheduler run the connection' : 'Stop the scheduler from running the connection',
      handle: async ({ store }, { params }) => ({
        body: await publicConnection(store, await setConnectionStatus(store, params['name']!, verb === 'enable' ? 'active' : 'inactive')),
      }),
    })),
    { method: 'POST', path: `${base}/{name}/sync`, tag, summary: 'Start a job now (202 with the job), or queue it when the concurrency limit is reached', handle: async ({ store, scheduler }, { params }) => {
      const connection = await findConnection(store, params['name']!);
      const result = await scheduler.trigger(connection, 'api');
      return { status: 202, body: 'started' in result ? { job: publicJob(result.started, connection.name) } : { queued: result.queued } };
    } },
    { method: 'GET', path: `${base}/{name}/state`, tag, summary: "The connection's state in its stored form", handle: async ({ store }, { params }) => {
      const connection = await findConnection(store, params['name']!);
      return { body: { connection: connection.name, state: (await store.state.load(connection.id)) ?? [] } };
    } },
    { method: 'POST', path: `${base}/{name}/state/reset`, tag, summary: 'Forget the state of one stream, or of all streams', bodyFields: { stream: 'string' }, handle: async ({ store }, { params, body }) => {
      const connection = await findConnection(store, params['name']!);
      if (await store.jobs.running(connection.id)) throw new SluiceError('job.already_running', `connection ${connection.name} has a running job; reset its state once it ends`);
      const stream = field<string>(body, 'stream', 'string');
      const state = await loadConnectionState(store.state, connection);
      const changed = await state.reset(stream === undefined ? undefined : { name: stream });
      if (!changed) throw new SluiceError('state.invalid', `connection ${connection.name} holds no state for stream ${stream}`);
      return { body: { reset: stream ?? 'all' } };
    } },
    { method: 'GET', path: `${base}/{name}/jobs`, tag, paged: true, summary: "The connection's jobs, newest first", handle: async ({ store }, { params, query }) => {
      const connection = await findConnection(store, params['name']!);
      const at = pagination(query);
      const jobs = await store.jobs.list({ connectionId: connection.id, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map((job) => publicJob(job, connection.name)), at) };
    } },
  ];
}

function jobRoutes(): Route[] {
  const base = `${API}/jobs`;
  const tag = 'jobs';
  return [
    { method: 'GET', path: base, tag, paged: true, summary: 'Jobs of every connection (or ?connection=NAME), newest first', handle: async ({ store }, { query }) => {
      const at = pagination(query);
      const name = query.get('connection');
      const connectionId = name === null ? undefined : (await findConnection(store, name)).id;
      const names = new Map((await store.connections.list()).map((item) => [item.id, item.name]));
      const jobs = await store.jobs.list({ connectionId, limit: at.limit + 1, offset: at.offset });
      return { body: page(jobs.map((job) => publicJob(job, names.get(job.connectionId))), at) };
    } },
    { method: 'GET', path: `${base}/{id}`, tag, summary: 'A job with its attempts and summary', handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { ...publicJob(job), attempts: await store.jobs.attempts(job.id), summary: (await store.jobs.summary(job.id)) ?? null } };
    } },
    { method: 'POST', path: `${base}/{id}/cancel`, tag, summary: 'Cancel a running job; the destination commits what it received', handle: async ({ store, scheduler }, { params }) => {
      const job = await findJob(store, params['id']!);
      if (job.status !== 'running') throw new SluiceError('job.not_found', `job ${job.id} is not running (it ${job.status})`);
      await scheduler.cancel(job.id);
      return { status: 202, body: publicJob((await store.jobs.byId(job.id))!) };
    } },
    { method: 'GET', path: `${base}/{id}/logs`, tag, summary: "The job's log lines (pino JSON objects)", handle: async ({ store }, { params }) => {
      const job = await findJob(store, params['id']!);
      return { body: { job: job.id, lines: readJobLog(job.logPath).map((line) => parseLine(line)) } };
    } },
  ];
}

function webhookRoutes(): Route[] {
  const base = `${API}/webhooks`;
  const tag = 'webhooks';
  return [
    { method: 'GET', path: base, tag, summary: 'List webhooks', handle: async ({ store }) => ({ body: { data: await store.webhooks.list() } }) },
    { method: 'POST', path: base, tag, summary: `Create a webhook for events: ${WEBHOOK_EVENTS.join(', ')}`, bodyFields: { name: 'string', url: 'string', events: 'array' },
      handle: async ({ store }, { body }) => {
        const events = field<string[]>(body, 'events', 'array') ?? [...WEBHOOK_EVENTS];
        for (const event of events) {
          if (!WEBHOOK_EVENTS.includes(event as WebhookEvent)) throw new SluiceError('api.bad_request', `event ${event}: expected one of ${WEBHOOK_EVENTS.join(', ')}`);
        }
        const url = field<string>(body, 'url', 'string', true)!;
        if (!/^https?:\/\//.test(url)) throw new SluiceError('api.bad_request', `url ${url}: expected an http or https URL`);
        return { status: 201, body: await store.webhooks.create({ name: field<string>(body, 'name', 'string', true)!, url, events: events as WebhookEvent[] }) };
      } },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Delete a webhook', handle: async ({ store }, { params }) => {
      if (!(await store.webhooks.delete(params['name']!))) throw new SluiceError('api.not_found', `no webhook named ${params['name']}`);
      return { status: 204 };
    } },
  ];
}

async function findJob(store: Store, id: string) {
  const job = /^\d+$/.test(id) ? await store.jobs.byId(Number(id)) : undefined;
  if (!job) throw new SluiceError('job.not_found', `no job ${id}`);
  return job;
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
  if (catalog) definition.catalog = catalog;
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
  return definition;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}
