// Owns the OpenAPI 3.1 document served at /api/v1/openapi.json, generated from the route table so that it
// cannot drift from what the server answers: every path, method, parameter, paged list and error shape.
import type { Route } from './routes.js';

export function openApiDocument(routes: Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (route.paged) {
      parameters.push({ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } as never });
      parameters.push({ name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } as never });
    }
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: operationId(route),
      ...(parameters.length > 0 ? { parameters } : {}),
      responses: {
        [successStatus(route)]: { description: 'OK', content: { 'application/json': { schema: route.paged ? { $ref: '#/components/schemas/Page' } : { type: 'object' } } } },
        default: { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (route.body) {
      const content = { schema: route.body };
      operation['requestBody'] = {
        required: route.method === 'POST',
        content: route.rawBody ? { 'application/json': content, 'application/yaml': content } : { 'application/json': content },
      };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Sluice control plane API', version, description: 'Sources, destinations, connections, jobs, webhooks and API tokens. Secrets are never returned (a token or a webhook signing secret only once, when it is created). Requests that change state send application/json (apply: also application/yaml); a foreign Origin or Host is refused with 403; bodies with unknown fields are refused with 400.' },
    security: [{ bearer: [] }, {}],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `sluice token create`; loopback clients may omit it unless the server requires tokens' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } } } },
        },
        Page: {
          type: 'object',
          required: ['data', 'pagination'],
          properties: {
            data: { type: 'array', items: { type: 'object' } },
            pagination: { type: 'object', properties: { limit: { type: 'integer' }, offset: { type: 'integer' }, next: { type: ['integer', 'null'] } } },
          },
        },
      },
    },
  };
}

function successStatus(route: Route): string {
  if (route.method === 'DELETE') return '204';
  if (route.method === 'POST' && (route.path.endsWith('/sync') || route.path.endsWith('/cancel'))) return '202';
  if (route.method === 'POST' && !/\/(check|enable|disable|reset|apply)$/.test(route.path)) return '201';
  return '200';
}

function operationId(route: Route): string {
  const words = route.path.replace('/api/v1/', '').split('/').map((part) => part.replace(/[{}]/g, ''));
  return [route.method.toLowerCase(), ...words].map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
}
