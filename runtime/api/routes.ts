// Owns the REST API's route table: health, the routes of each concern (actor-routes, connection-routes,
// job-routes, token-routes), and apply/export of definitions. Secrets never leave: actors are always returned
// masked, and a token only once, when it is created.
import { applyDocument, exportDocument, parseDefinitions } from '../control/definitions.js';
import { checkBody } from './body-schema.js';
import { checkConnectorAllowed } from './connector-policy.js';
import { applyDocumentSchema } from './request-schemas.js';
import { actorRoutes } from './actor-routes.js';
import { connectionRoutes } from './connection-routes.js';
import { jobRoutes, webhookRoutes } from './job-routes.js';
import { tokenRoutes } from './token-routes.js';
import { API, type Route } from './route.js';

export type { ApiDeps, Reply, RequestContext, Route } from './route.js';

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
    ...tokenRoutes(),
    { method: 'POST', path: `${API}/apply`, tag: 'definitions', summary: 'Create or update sources, destinations and connections from a sluice.yaml document (YAML or JSON)',
      body: applyDocumentSchema, rawBody: true, handle: async ({ store, logger, connectors }, { rawBody }) => {
        const document = parseDefinitions(rawBody, 'request body');
        checkBody(applyDocumentSchema, document, 'request body', 'apply.invalid');
        for (const kind of ['sources', 'destinations'] as const) {
          document[kind]?.forEach((item, index) => checkConnectorAllowed(item.connector, `request body: ${kind}[${index}].connector`, connectors));
        }
        return { body: await applyDocument(store, rawBody, 'request body', logger) };
      } },
    { method: 'GET', path: `${API}/export`, tag: 'definitions', summary: 'Every definition as a sluice.yaml document (JSON; secrets masked)', handle: async ({ store }) => ({
      body: await exportDocument(store),
    }) },
  ];
}
