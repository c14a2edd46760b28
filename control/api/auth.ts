// Owns who may call the API. A request with `Authorization: Bearer TOKEN` must carry a token created with
// `sluice token create` (only its hash is stored). A request without one is accepted only from a loopback
// address, and only while the server allows it (`sluice serve --require-token` turns that off).
import type { IncomingMessage } from 'node:http';
import { SluiceError } from '../../runtime/errors.js';
import type { Store } from '../store/open-store.js';
import { verifyToken } from '../services/token-service.js';

export interface AuthOptions {
  /** Accept requests without a token from loopback clients (default true). */
  allowLoopbackWithoutToken: boolean;
}

export async function authenticate(request: IncomingMessage, store: Store, options: AuthOptions): Promise<{ via: 'token' | 'loopback'; name?: string }> {
  const header = request.headers['authorization'];
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new SluiceError('api.unauthorized', 'the Authorization header must be "Bearer TOKEN"');
    const token = await verifyToken(store, match[1]!);
    if (!token) throw new SluiceError('api.unauthorized', 'the API token is not valid', { hint: 'create one with: sluice token create NAME' });
    return { via: 'token', name: token.name };
  }
  if (options.allowLoopbackWithoutToken && isLoopback(request.socket.remoteAddress)) return { via: 'loopback' };
  throw new SluiceError('api.unauthorized', options.allowLoopbackWithoutToken
    ? 'an API token is required for clients that are not on this machine'
    : 'an API token is required', { hint: 'send Authorization: Bearer TOKEN; create one with: sluice token create NAME' });
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
