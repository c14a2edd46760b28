// Owns the REST API's route table: health, the routes of each concern (actor-routes, connection-routes,
// job-routes, token-routes, connector-routes, webhook-test-routes, session-routes), and apply/export of definitions. Secrets never leave: actors are always returned
// masked, a token only once, when it is created, and an applied document cannot pull in the server's environment.
import { applyDocument, exportDocument, parseDefinitions } from '../services/definitions.js';
import { SluiceError } from '../../runtime/errors.js';
import { checkConnectorAllowed } from './connector-policy.js';
import { workspaceApplySchema } from '../services/apply-file.js';
import { actorRoutes } from './actor-routes.js';
import { connectionRoutes } from './connection-routes.js';
import { jobRoutes, webhookRoutes } from './job-routes.js';
import { tokenRoutes } from './token-routes.js';
import { connectorRoutes } from './connector-routes.js';
import { webhookTestRoutes } from './webhook-test-routes.js';
import { sessionRoutes } from './session-routes.js';
import { applyDocumentSchema } from './apply-schema.js';
import { ApplyResult, Health, WorkerList, withErrors } from './response-schemas.js';
import { liveWorkers } from '../services/worker-service.js';
import { API, route, type Route } from './route.js';

export type { ApiDeps, Reply, RequestContext, Route } from './route.js';

/**
 * `${VAR}` in a document applied over the API would be filled in from the server's environment, and shown back by
 * export: a client could read any variable of the server. The API refuses them; the CLI's `sluice apply` keeps
 * substituting its own user's environment.
 */
const NO_SERVER_ENVIRONMENT: NodeJS.ProcessEnv = new Proxy({}, {
  get(_, name) {
    throw new SluiceError('api.forbidden', `request body uses \${${String(name)}}: the server's environment variables are not filled in for API clients`, {
      hint: 'put the value itself in the document, or run sluice apply on the server',
    });
  },
});

export function apiRoutes(): Route[] {
  return [
    route({ method: 'GET', path: `${API}/health`, tag: 'server', summary: 'Liveness, and what the scheduler is doing', schema: { response: withErrors({ 200: Health }) }, handle: async ({ scheduler }) => ({
      body: { status: 'ok', running: scheduler.runningJobs.map((job) => job.id), queued: scheduler.queued.length, concurrency: scheduler.concurrency },
    }) }),
    route({ method: 'GET', path: `${API}/workers`, tag: 'server', summary: 'The live workers of a PostgreSQL workspace (none with SQLite, whose jobs the server runs)', schema: { response: withErrors({ 200: WorkerList }) }, handle: async ({ store }) => ({
      body: { data: await liveWorkers(store) },
    }) }),
    ...actorRoutes('source'),
    ...actorRoutes('destination'),
    ...connectionRoutes(),
    ...jobRoutes(),
    ...webhookRoutes(),
    ...webhookTestRoutes(),
    ...connectorRoutes(),
    ...tokenRoutes(),
    ...sessionRoutes(),
    route({ method: 'POST', path: `${API}/apply`, tag: 'definitions', summary: 'Create or update sources, destinations and connections from a sluice.yaml document (YAML or JSON)',
      schema: { body: applyDocumentSchema(workspaceApplySchema()), response: withErrors({ 200: ApplyResult }) }, rawBody: true, handle: async ({ store, logger, connectors }, { rawBody }) => {
        const document = parseDefinitions(rawBody, 'request body', NO_SERVER_ENVIRONMENT);
        for (const kind of ['sources', 'destinations'] as const) {
          document[kind]?.forEach((item, index) => checkConnectorAllowed(item.connector, `request body: ${kind}[${index}].connector`, connectors));
        }
        return { body: await applyDocument(store, rawBody, 'request body', logger) };
      } }),
    route({ method: 'GET', path: `${API}/export`, tag: 'definitions', summary: 'Every definition as a sluice.yaml document (JSON; secrets masked)',
      schema: { response: withErrors({ 200: applyDocumentSchema(workspaceApplySchema()) }) }, handle: async ({ store }) => ({
        body: await exportDocument(store),
      }) }),
  ];
}
