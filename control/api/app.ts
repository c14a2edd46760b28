// Owns the HTTP app of `sluice serve`, on Fastify: the request guard (Host, Origin, content type) and
// authentication as the first hook of every request (API, dashboard and unrouted alike), before any body is read;
// each route registered with its schemas (requests checked by schema-validator.ts, the OpenAPI document generated
// by @fastify/swagger from the same schemas); answers serialized exactly (a state's big integers keep every
// digit); one error body shape for every failure, Fastify's own included; the dashboard's static files, with its
// index.html for any other page a browser asks for (the dashboard routes in the page); and a log line per request.
// It holds no logic of its own: routes call the control services.
import { existsSync, statSync } from 'node:fs';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { SluiceError, describeError, isSluiceError } from '../../runtime/errors.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';
import { authenticate, type AuthOptions } from './auth.js';
import { sessionFromCookies } from './session-cookie.js';
import { guardRequest, acceptedMediaType, type GuardOptions } from './request-guard.js';
import { errorResponse } from './http-error.js';
import { MAX_BODY_BYTES, parseJsonBody } from './request-body.js';
import { compileValidator } from './schema-validator.js';
import { noBody } from './request-schemas.js';
import { openApiOptions, OPENAPI_PATH } from './openapi-options.js';
import { UnroutedRequests } from './unrouted.js';
import { apiRoutes, type ApiDeps, type Route } from './routes.js';

export interface ApiAppOptions extends ApiDeps {
  auth: AuthOptions;
  guard: GuardOptions;
  version: string;
  /** The dashboard's files, served at `/`; undefined: the API only (the dashboard was not built). */
  dashboardDir: string | undefined;
}

export async function createApiApp(options: ApiAppOptions): Promise<FastifyInstance> {
  const routes = apiRoutes();
  const unrouted = new UnroutedRequests(routes);
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    // A path Fastify cannot decode never reaches the hooks: admit it here, then say which parameter is malformed.
    frameworkErrors: (error, request, reply) => {
      void (async () => {
        await admit(request, options);
        throw error.code === 'FST_ERR_BAD_URL' ? unrouted.errorFor(request.method, targetUrl(request.url).pathname) : error;
      })().catch((caught: unknown) => sendError(reply, caught, options));
    },
  });
  app.setValidatorCompiler(compileValidator);
  // Exact JSON out, never fast-json-stringify: it would lose digits of big integers and drop undeclared fields.
  app.setSerializerCompiler(() => (data) => stringifyExactJson(data));
  app.setReplySerializer((payload) => stringifyExactJson(payload));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    try {
      // A DELETE takes no input: whatever it carries is not read.
      done(null, request.method === 'DELETE' ? undefined : parseJsonBody(text as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook('onRequest', async (request) => admit(request, options));
  // No body is `{}`, so that a route's schema decides whether it may be left out.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PATCH')) request.body = {};
  });
  app.addHook('onResponse', async (request, reply) => {
    options.logger.debug({ method: request.method, path: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'api request');
  });
  app.setErrorHandler((error, _request, reply) => sendError(reply, error, options));
  app.setNotFoundHandler(async (request, reply) => {
    const path = targetUrl(request.url).pathname;
    // The dashboard routes in the browser: a reload of /connections/x gets its page, which then shows that route.
    if (options.dashboardDir !== undefined && isDashboardPage(request, path)) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    throw unrouted.errorFor(request.method, path);
  });

  await app.register(fastifySwagger, openApiOptions(options.version));
  for (const route of routes.filter((item) => !item.rawBody)) register(app, route, options);
  // A raw body (apply: YAML or JSON) is handed over as text: its handler parses and checks the document itself.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(acceptedMediaType('/apply') as string[], { parseAs: 'string' }, (_request, text, done) => done(null, text));
    scope.setValidatorCompiler(() => (data) => ({ value: data }));
    for (const route of routes.filter((item) => item.rawBody)) register(scope, route, options);
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  if (options.dashboardDir !== undefined) {
    await app.register(fastifyStatic, { root: dashboardRoot(options.dashboardDir), prefix: '/', wildcard: false, index: ['index.html'] });
  }
  await app.ready();
  return app;
}

function register(app: FastifyInstance, route: Route, deps: ApiDeps): void {
  const takesBody = route.method === 'POST' || route.method === 'PATCH';
  app.route({
    method: route.method,
    url: route.path.replace(/\{(\w+)\}/g, ':$1'),
    schema: {
      summary: route.summary,
      tags: [route.tag],
      operationId: operationId(route),
      ...(route.schema.params ? { params: route.schema.params } : {}),
      ...(route.schema.querystring ? { querystring: route.schema.querystring } : {}),
      ...(takesBody ? { body: route.schema.body ?? noBody } : {}),
      ...(route.rawBody ? { consumes: acceptedMediaType(route.path) as string[] } : {}),
      response: route.schema.response,
    },
    handler: async (request, reply) => {
      let closed = false;
      reply.raw.once('close', () => (closed = true));
      const result = await route.handle(deps, {
        params: request.params as Record<string, string>,
        query: (request.query ?? {}) as Record<string, unknown>,
        body: request.body,
        rawBody: typeof request.body === 'string' ? request.body : '',
        session: sessionFromCookies(request.headers.cookie),
        secure: request.protocol === 'https',
        closed: () => closed,
      });
      if (result.headers) reply.headers(result.headers);
      reply.code(result.status ?? 200);
      if (result.stream) return reply.send(result.stream);
      if (result.status === 204 || result.body === undefined) return reply.send();
      return reply.send(result.body);
    },
  });
}

/** What every request must pass before anything else: a parseable target, the request guard, authentication. */
async function admit(request: FastifyRequest, options: ApiAppOptions): Promise<void> {
  const url = targetUrl(request.url);
  const refused = guardRequest({ method: request.method, path: url.pathname, headers: request.headers }, options.guard);
  if (refused) throw refused;
  await authenticate({ method: request.method, path: url.pathname, headers: request.headers, remoteAddress: request.raw.socket.remoteAddress, unrouted: request.is404 }, options.store, options.auth);
}

function sendError(reply: FastifyReply, error: unknown, options: ApiAppOptions): void {
  const { status, body } = errorResponse(inApiTerms(error));
  if (status >= 500) options.logger.error({ path: reply.request.url }, describeError(error));
  if (reply.sent || reply.raw.headersSent) return;
  reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own client errors (a body too large, a malformed Content-Length…) in the API's error codes. */
function inApiTerms(error: unknown): unknown {
  if (isSluiceError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new SluiceError('api.bad_request', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new SluiceError('api.unsupported_media_type', fastifyError.message ?? 'unsupported media type');
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return new SluiceError('api.bad_request', fastifyError.message ?? 'bad request');
  return error;
}

function targetUrl(target: string): URL {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new SluiceError('api.bad_request', `the request target ${target} is not a valid path`);
  }
}

/** A browser asking for a page (not an asset, not the API): a GET outside /api that accepts HTML. */
function isDashboardPage(request: FastifyRequest, path: string): boolean {
  if (request.method !== 'GET' || path === '/api' || path.startsWith('/api/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

function dashboardRoot(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SluiceError('cli.usage', `--dashboard-dir ${dir}: no such directory`);
  return dir;
}

function operationId(route: Route): string {
  const words = route.path.replace('/api/v1/', '').split('/').map((part) => part.replace(/[{}]/g, ''));
  return [route.method.toLowerCase(), ...words].map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
}
