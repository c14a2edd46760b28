// Owns what a route of the REST API is: its method, path (OpenAPI style), summary, tag, the TypeBox schemas of its
// path parameters, query, body and every response, and its handler; and what a handler receives (the services and
// the request's parameters, query and body, each already checked against its schema) and returns.
import type { Readable } from 'node:stream';
import type { Static, TSchema } from 'typebox';
import type { Logger } from '../../runtime/logger.js';
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

export interface RequestContext<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** The body as sent (apply reads YAML or JSON itself); '' for a request without one. */
  rawBody: string;
  /** The dashboard's session id from the request's cookie, if it carries one. */
  session: string | undefined;
  /** The request came over https (a cookie set in answer is then Secure). */
  secure: boolean;
  /** True once the client has gone away (a stream stops then). */
  closed(): boolean;
}

export interface Reply {
  status?: number;
  /** JSON (serialized exactly), or a stream sent as it is (server-sent events). */
  body?: unknown;
  headers?: Record<string, string>;
  stream?: Readable;
}

export interface RouteSchema {
  params?: TSchema;
  querystring?: TSchema;
  /** The body's schema; a POST or PATCH without one takes no input: its body must be empty or `{}`. */
  body?: TSchema;
  /** Every status the route answers with, errors included. */
  response: Record<string, TSchema>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  schema: RouteSchema;
  /** The body is not JSON but a document the handler parses itself (apply: YAML or JSON). */
  rawBody?: boolean;
  handle(deps: ApiDeps, context: RequestContext<any, any, any>): Promise<Reply>;
}

type Input<S extends TSchema | undefined, Default> = S extends TSchema ? Static<S> : Default;

/** A route whose handler sees its parameters, query and body typed from its schemas. */
export function route<S extends RouteSchema>(
  definition: Omit<Route, 'schema' | 'handle'> & {
    schema: S;
    handle(deps: ApiDeps, context: RequestContext<Input<S['params'], Record<string, string>>, Input<S['querystring'], Record<string, unknown>>, Input<S['body'], unknown>>): Promise<Reply>;
  },
): Route {
  return definition as Route;
}
