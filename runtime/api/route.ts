// Owns what a route of the REST API is: its method, path (OpenAPI style), summary, tag, body fields and handler,
// and what a handler receives (the services, the path parameters, the query and the body) and returns.
import type { Logger } from '../logger.js';
import type { Store } from '../store/open-store.js';
import type { Scheduler } from '../control/scheduler.js';

export const API = '/api/v1';

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
