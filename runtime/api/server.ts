// Owns the HTTP server of `sluice serve`: JSON in and out, authentication before any route, one error body
// shape, and a log line per request. It holds no logic of its own: routes call the control services.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SluiceError, describeError } from '../errors.js';
import { authenticate, type AuthOptions } from './auth.js';
import { errorResponse } from './http-error.js';
import { openApiDocument } from './openapi.js';
import { parseJsonBody, readBody } from './request-body.js';
import { Router } from './router.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import { apiRoutes, type ApiDeps, type Route } from './routes.js';

export interface ApiServerOptions extends ApiDeps {
  auth: AuthOptions;
  version: string;
}

export function createApiServer(options: ApiServerOptions): Server {
  const routes = apiRoutes();
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
  const url = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
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
  const isJson = contentType.includes('json') || rawBody.trim() === '';
  const body = isJson ? parseJsonBody(rawBody) : undefined;
  if (!isJson && match.route.path !== '/api/v1/apply') throw new SluiceError('api.bad_request', `expected a JSON body (content-type application/json), got ${contentType}`);
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
