// Owns the API routes that run a connector now and save nothing: the built-in connectors, a connector's spec (the
// reference under the same policy as saving a source), what a stored source discovers, and the check of both ends
// of a connection. Connector messages come back with the config's secrets masked.
import { SluiceError } from '../../runtime/errors.js';
import { checkConnection, connectorSpec, discoverSource, listConnectors } from '../services/connector-service.js';
import { checkConnectorAllowed, isCustomConnector, type ConnectorPolicy } from './connector-policy.js';
import { connectorQuery, nameParams, noBody } from './request-schemas.js';
import { ConnectionCheck, ConnectorList, ConnectorSpec, Discovered, withErrors } from './response-schemas.js';
import { API, route, type Route } from './route.js';

export function connectorRoutes(): Route[] {
  return [
    route({ method: 'GET', path: `${API}/connectors`, tag: 'connectors', summary: 'The built-in connectors', schema: { response: withErrors({ 200: ConnectorList }) }, handle: async () => ({
      body: { data: listConnectors() },
    }) }),
    route({ method: 'GET', path: `${API}/connectors/spec`, tag: 'connectors', summary: "A connector's spec (ConnectorSpecification): the JSON Schema of its config and what it supports",
      schema: { querystring: connectorQuery, response: withErrors({ 200: ConnectorSpec }) }, handle: async ({ logger, connectors }, { query }) => {
        checkNamesConnector(query.connector, connectors);
        return { body: await connectorSpec(query.connector, logger) };
      } }),
    route({ method: 'POST', path: `${API}/sources/{name}/discover`, tag: 'sources', summary: "Run the source's discover with its stored config: the streams it offers",
      schema: { params: nameParams, body: noBody, response: withErrors({ 200: Discovered }) }, handle: async ({ store, logger }, { params }) => ({
        body: { catalog: await discoverSource(store, params['name']!, logger) },
      }) }),
    route({ method: 'POST', path: `${API}/connections/{name}/check`, tag: 'connections', summary: "Run the check of the connection's source and destination, at once",
      schema: { params: nameParams, body: noBody, response: withErrors({ 200: ConnectionCheck }) }, handle: async ({ store, logger }, { params }) => ({
        body: await checkConnection(store, params['name']!, logger),
      }) }),
  ];
}

/**
 * A plain word that is not a built-in is most likely a misspelt built-in: on a server that runs no commands for
 * API clients, say so (422) rather than refusing it as a command (403).
 */
function checkNamesConnector(reference: string, policy: ConnectorPolicy): void {
  if (!policy.allowCustomConnectors && /^[A-Za-z0-9._-]+$/.test(reference.trim()) && isCustomConnector(reference)) {
    throw new SluiceError('connector.not_found', `connector ${reference.trim()} is not a built-in connector`, { hint: 'see GET /api/v1/connectors' });
  }
  checkConnectorAllowed(reference, 'connector', policy);
}
