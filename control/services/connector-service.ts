// Owns asking connectors things on behalf of the API and the CLI, without saving anything: the built-in
// connectors, a connector's spec, the catalog a stored source discovers, and the check of both ends of a
// connection. Every message a connector sends back has its config's secrets masked (the client redacts them).
import type { AirbyteCatalog, ConnectorSpecification } from '../../protocol/types.generated.js';
import { describeError, SluiceError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { builtinConnectors } from '../../runtime/launchers/builtin-connectors.js';
import type { Store } from '../store/open-store.js';
import { checkActor, findActor } from './actor-service.js';
import { clientFor } from './clients.js';
import { findConnection } from './connection-service.js';

export interface ConnectorSummary {
  name: string;
  kind: 'source' | 'destination';
  description: string;
}

export interface CheckOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

/** The connectors that ship with Sluice, in the order the built-in list gives them. */
export function listConnectors(): ConnectorSummary[] {
  return builtinConnectors.map(({ name, kind, description }) => ({ name, kind, description }));
}

/** Runs `spec` of a connector reference (built-in, docker:IMAGE[:TAG], path or command). */
export async function connectorSpec(reference: string, logger: Logger = silentLogger): Promise<ConnectorSpecification> {
  const client = await clientFor(reference, { logger });
  return client.spec();
}

/** Runs `discover` of a stored source with its stored config. */
export async function discoverSource(store: Store, nameOrId: string, logger: Logger = silentLogger): Promise<AirbyteCatalog> {
  const source = await findActor(store, 'source', nameOrId);
  const client = await clientFor(source.connector, { logger });
  return client.discover(source.config, `source ${source.name} config`);
}

/**
 * Checks both ends of a connection at once. A connector that cannot run at all (not found, crashed, timed out)
 * counts as a FAILED check with the error as its message, so one end's trouble does not hide the other's answer.
 */
export async function checkConnection(store: Store, nameOrId: string, logger: Logger = silentLogger): Promise<{ source: CheckOutcome; destination: CheckOutcome }> {
  const connection = await findConnection(store, nameOrId);
  const [source, destination] = await Promise.all([
    checkEnd(store, 'source', connection.sourceId, logger),
    checkEnd(store, 'destination', connection.destinationId, logger),
  ]);
  return { source, destination };
}

async function checkEnd(store: Store, kind: 'source' | 'destination', id: string, logger: Logger): Promise<CheckOutcome> {
  try {
    const status = await checkActor(store, kind, id, logger);
    return { status: status.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', ...(status.message === undefined ? {} : { message: status.message }) };
  } catch (error) {
    // Only the connector's own trouble is an answer; anything else (the store, a bug) stays an error of the request.
    if (!(error instanceof SluiceError) || !/^(connector|config|docker)\./.test(error.code)) throw error;
    return { status: 'FAILED', message: describeError(error) };
  }
}
