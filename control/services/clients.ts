// Owns building connector clients for stored sources and destinations: the reference resolved to a launcher,
// the client given the job's logger and cancellation signal.
import { ConnectorClient } from '../../runtime/connector-client.js';
import { resolveConnector } from '../../runtime/connector-ref.js';
import type { Logger } from '../../runtime/logger.js';

export interface ClientOptions {
  logger: Logger;
  signal?: AbortSignal;
  /** Time limit of spec, check and discover. */
  timeoutMs?: number;
}

export async function clientFor(connector: string, options: ClientOptions): Promise<ConnectorClient> {
  const launcher = await resolveConnector(connector);
  return new ConnectorClient(launcher, { logger: options.logger, signal: options.signal, timeoutMs: options.timeoutMs });
}
