// Owns what @fastify/swagger makes of the route schemas: an OpenAPI 3.1 document at /api/v1/openapi.json with the
// API's description, its bearer-token security, the shared schemas (the error body, a job's progress event) as
// components, answers described by their status, and a request body marked required only when its schema requires
// a field (`{}` or nothing is fine for routes that take no input).
import type { SwaggerOptions } from '@fastify/swagger';
import { ErrorBody, JobProgress } from './response-schemas.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' };

interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: unknown[] } }> };
  responses?: Record<string, { description?: string }>;
}

export function openApiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sluice control plane API',
        version,
        description: 'Sources, destinations, connections, jobs, webhooks and API tokens. Secrets are never returned (a token or a webhook signing secret only once, when it is created). Requests that change state send application/json (apply: also application/yaml); a foreign Origin or Host is refused with 403; bodies with unknown fields are refused with 400. Every error answers with the Error body.',
      },
      security: [{ bearer: [] }, { session: [] }, {}],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `sluice token create`; loopback clients may omit it unless the server requires tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'sluice_session', description: 'the session cookie POST /api/v1/session sets (the dashboard); a request that changes state with it must carry an Origin of this server or Sec-Fetch-Site: same-origin' },
        },
        schemas: { Error: ErrorBody, JobProgress } as unknown as Record<string, never>,
      },
    },
    transformObject: (document) => {
      const openapi = 'openapiObject' in document ? document.openapiObject : undefined;
      for (const item of Object.values(openapi?.paths ?? {})) {
        for (const operation of Object.values(item as Record<string, Operation>)) {
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            if (response.description === 'Default Response') response.description = STATUS_TEXT[status] ?? 'OK';
          }
          const body = operation.requestBody;
          if (!body?.content) continue;
          body.required = Object.values(body.content).some((media) => (media.schema?.required?.length ?? 0) > 0);
        }
      }
      return openapi as never;
    },
  };
}
