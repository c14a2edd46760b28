// Owns the HTTP server of `sluice serve`: the request guard (Host, Origin, content type) and authentication
// before any route, bodies checked against each route's schema, JSON out, one error body shape, and a log line
// per request. It holds no logic of its own: routes call the control services.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SluiceError, describeError } from '../../runtime/errors.js';
import { authenticate, type AuthOptions } from './auth.js';
import { checkBody, compileBodySchema, NO_BODY } from './body-schema.js';
import { guardRequest, type GuardOptions } from './request-guard.js';
import { errorResponse } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { parseJsonBody, readBody } from './request-body.js';
import { Router } from './router.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import { apiRoutes, type ApiDeps, type Route } from './routes.js';

export interface ApiServerOptions extends ApiDeps {
  auth: AuthOptions;
  guard: GuardOptions;
  version: string;
}

export function createApiServer(options: ApiServerOptions): Server {
  const routes = apiRoutes();
  for (const route of routes) compileBodySchema(route.body ?? NO_BODY);
  const router = new Router<Route>(routes);
  const openapi = openApiDocument(routes, options.version);
  return createServer((request, response) => {
    const started = Date.now();
    handle(request, response, router, openapi, options)
      .catch((error: unknown) => {
        const { status, body } = errorResponse(error);
        if (status >= 500) options.logger.error({ path: request.url }, describeError(error));
        send(response, status, body);
      })
      .finally(() => {
        options.logger.debug({ method: request.method, path: request.url, status: response.statusCode, ms: Date.now() - started }, 'api request');
      });
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  router: Router<Route>,
  openapi: unknown,
  options: ApiServerOptions,
): Promise<void> {
  const url = requestUrl(request.url ?? '/');
  const method = request.method ?? 'GET';
  const refused = guardRequest({ method, path: url.pathname, headers: request.headers }, options.guard);
  if (refused) throw refused;
  await authenticate(request, options.store, options.auth);
  if (method === 'GET' && url.pathname === '/api/v1/openapi.json') {
    send(response, 200, openapi);
    return;
  }
  const match = router.match(method, url.pathname);
  if (match === undefined) throw new SluiceError('api.not_found', `no route ${method} ${url.pathname}`, { hint: 'see /api/v1/openapi.json' });
  if (match === 'methodMismatch') throw new SluiceError('api.bad_request', `${url.pathname} does not accept ${method}`, { hint: 'see /api/v1/openapi.json' });
  const rawBody = method === 'GET' || method === 'DELETE' ? '' : await readBody(request);
  const contentType = String(request.headers['content-type'] ?? 'application/json');
  const body = match.route.rawBody ? undefined : parseJsonBody(rawBody);
  if (!match.route.rawBody && method !== 'GET' && method !== 'DELETE') checkBody(match.route.body ?? NO_BODY, body);
  const reply = await match.route.handle(options, { params: match.params, query: url.searchParams, body, rawBody, contentType });
  send(response, reply.status ?? 200, reply.body);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  if (status === 204 || body === undefined) {
    response.writeHead(status).end();
    return;
  }
  // Exact: a connection's state keeps every digit of its numbers.
  const text = stringifyExactJson(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

function requestUrl(target: string): URL {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new SluiceError('api.bad_request', `the request target ${target} is not a valid path`);
  }
}
