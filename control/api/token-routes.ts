// Owns the API routes of API tokens, mirroring `sluice token create|list|revoke`: a list (paged) that never
// holds a token or its hash, a create that returns the token's clear text once, and revoke by name or id.
import { createToken, listTokens, revokeToken } from '../services/token-service.js';
import { field, page, pagination } from './request-body.js';
import { createTokenBody, nameParams, pageQuery } from './request-schemas.js';
import { CreatedToken, NoContent, Page, Token, withErrors } from './response-schemas.js';
import { API, route, type Route } from './route.js';

export function tokenRoutes(): Route[] {
  const base = `${API}/tokens`;
  const tag = 'tokens';
  return [
    route({ method: 'GET', path: base, tag, summary: 'List API tokens (names and use, never the tokens)', schema: { querystring: pageQuery, response: withErrors({ 200: Page(Token) }) }, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      return { body: page(await listTokens(store, { limit: at.limit + 1, offset: at.offset }), at) };
    } }),
    route({ method: 'POST', path: base, tag, summary: 'Create an API token; the answer holds it in `token`, the only time it is shown', schema: { body: createTokenBody, response: withErrors({ 201: CreatedToken }) },
      handle: async ({ store }, { body }) => {
        const { token, record } = await createToken(store, field<string>(body, 'name', 'string', true)!);
        return { status: 201, body: { ...record, token } };
      } }),
    route({ method: 'DELETE', path: `${base}/{name}`, tag, summary: 'Revoke an API token (by name or id)', schema: { params: nameParams, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { params }) => {
      await revokeToken(store, params['name']!);
      return { status: 204 };
    } }),
  ];
}
