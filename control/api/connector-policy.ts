// Owns which connectors a client of the API may name. A built-in connector or a Docker image (`docker:…`) is
// always allowed; a path or a command runs a program of the client's choosing on the server, so it is refused
// unless the operator started the server with `sluice serve --allow-custom-connectors`. The CLI is not bound
// by this: its user already runs programs on the machine.
import { findBuiltinConnector } from '../../runtime/launchers/builtin-connectors.js';
import { DOCKER_PREFIX } from '../../runtime/connector-ref.js';
import { SluiceError } from '../../runtime/errors.js';

export interface ConnectorPolicy {
  allowCustomConnectors: boolean;
}

export function isCustomConnector(reference: string): boolean {
  const trimmed = reference.trim();
  return !trimmed.startsWith(DOCKER_PREFIX) && findBuiltinConnector(trimmed) === undefined;
}

/** Throws api.forbidden for a path or command unless the policy allows them; `where` names the field. */
export function checkConnectorAllowed(reference: string, where: string, policy: ConnectorPolicy): void {
  if (policy.allowCustomConnectors || !isCustomConnector(reference)) return;
  throw new SluiceError('api.forbidden', `${where}: connector ${reference} is a path or a command, which this server does not run for API clients`, {
    hint: 'name a built-in connector or a docker: image, or start the server with --allow-custom-connectors',
  });
}
