// Owns the API routes of API tokens, mirroring `sluice token create|list|revoke`: a list (paged) that never
// holds a token or its hash, a create that returns the token's clear text once, and revoke by name or id.
import { createToken, listTokens, revokeToken } from '../services/token-service.js';
import { field, page, pagination } from './request-body.js';
import { createTokenBody } from './request-schemas.js';
import { API, type Route } from './route.js';

export function tokenRoutes(): Route[] {
  const base = `${API}/tokens`;
  const tag = 'tokens';
  return [
    { method: 'GET', path: base, tag, paged: true, summary: 'List API tokens (names and use, never the tokens)', handle: async ({ store }, { query }) => {
      const at = pagination(query);
      return { body: page(await listTokens(store, { limit: at.limit + 1, offset: at.offset }), at) };
    } },
    { method: 'POST', path: base, tag, summary: 'Create an API token; the answer holds it in `token`, the only time it is shown', body: createTokenBody,
      handle: async ({ store }, { body }) => {
        const { token, record } = await createToken(store, field<string>(body, 'name', 'string', true)!);
        return { status: 201, body: { ...record, token } };
      } },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Revoke an API token (by name or id)', handle: async ({ store }, { params }) => {
      await revokeToken(store, params['name']!);
      return { status: 204 };
    } },
  ];
}
