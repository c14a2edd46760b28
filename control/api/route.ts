// Owns what a route of the REST API is: its method, path (OpenAPI style), summary, tag, body schema and handler,
// and what a handler receives (the services, the path parameters, the query and the body) and returns.
import type { Logger } from '../../runtime/logger.js';
import type { JsonSchema } from './body-schema.js';
import type { ConnectorPolicy } from './connector-policy.js';
import type { Store } from '../store/open-store.js';
import type { Scheduler } from '../jobs/scheduler.js';

export const API = '/api/v1';

export interface ApiDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  /** Which connectors API clients may name (built-ins and docker: images; paths and commands when allowed). */
  connectors: ConnectorPolicy;
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
  /** The JSON Schema of the body, checked before the handler runs; none: the body must be empty or `{}`. */
  body?: JsonSchema;
  /** The body is not JSON but a document the handler parses itself (apply: YAML or JSON). */
  rawBody?: boolean;
  handle(deps: ApiDeps, context: RequestContext): Promise<Reply>;
}
