// Owns API tokens for both the CLI (`sluice token`, `sluice serve`) and the REST API (`/api/v1/tokens`, its
// authentication): a token's clear text is returned once, at creation; a list never holds a token or its hash;
// revoking an unknown name or id is a not-found error; a presented token is valid only if it was created here.
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import type { Page } from '../store/records.js';
import type { ApiToken } from '../store/token-repo.js';

export type { ApiToken };

/** Creates a token; `token` is its clear text, available only now. */
export async function createToken(store: Store, name: string): Promise<{ token: string; record: ApiToken }> {
  if (name.trim() === '') throw new SluiceError('api.bad_request', 'a token needs a name');
  return store.tokens.create(name);
}

/** Revokes the token with this name (or id). */
export async function revokeToken(store: Store, nameOrId: string): Promise<void> {
  if (!(await store.tokens.revoke(nameOrId))) throw new SluiceError('api.not_found', `no API token named ${nameOrId}`, { hint: 'see: sluice token list' });
}

/** Names and use of the tokens, never a token or its hash. */
export function listTokens(store: Store, page: Page = {}): Promise<ApiToken[]> {
  return store.tokens.list(page);
}

/** The token this clear text is (its use is recorded), or undefined when no such token exists. */
export function verifyToken(store: Store, clearText: string): Promise<ApiToken | undefined> {
  return store.tokens.verify(clearText);
}

export async function hasTokens(store: Store): Promise<boolean> {
  return (await store.tokens.count()) > 0;
}
