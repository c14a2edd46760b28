// Owns creating and revoking API tokens for both the CLI (`sluice token`) and the REST API (`/api/v1/tokens`):
// a token's clear text is returned once, at creation; revoking an unknown name or id is a not-found error.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import type { ApiToken } from '../store/token-repo.js';

/** Creates a token; `token` is its clear text, available only now. */
export async function createToken(store: Store, name: string): Promise<{ token: string; record: ApiToken }> {
  if (name.trim() === '') throw new SluiceError('api.bad_request', 'a token needs a name');
  return store.tokens.create(name);
}

/** Revokes the token with this name (or id). */
export async function revokeToken(store: Store, nameOrId: string): Promise<void> {
  if (!(await store.tokens.revoke(nameOrId))) throw new SluiceError('api.not_found', `no API token named ${nameOrId}`, { hint: 'see: sluice token list' });
}
