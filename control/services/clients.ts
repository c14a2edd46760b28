// Owns building connector clients for stored sources and destinations: the reference resolved to a launcher,
// the client given the job's logger and cancellation signal, and the spec cache `sluice sync` uses too, so a stored
// connection's job does not start a connector only to ask for a spec that cannot have changed.
import { ConnectorClient } from '../../runtime/connector-client.js';
import { resolveConnector } from '../../runtime/connector-ref.js';
import type { Logger } from '../../runtime/logger.js';
import { FileSpecCache } from '../../runtime/spec-cache.js';

export interface ClientOptions {
  logger: Logger;
  signal?: AbortSignal;
  /** Time limit of spec, check and discover. */
  timeoutMs?: number;
}

export async function clientFor(connector: string, options: ClientOptions): Promise<ConnectorClient> {
  const launcher = await resolveConnector(connector);
  return new ConnectorClient(launcher, { logger: options.logger, signal: options.signal, timeoutMs: options.timeoutMs, specCache: new FileSpecCache() });
}
