// Owns the API routes of sources and destinations: list (paged), create, show, update, delete, check. Configs
// are always returned with their secrets masked; a connector that is a path or a command is refused unless the
// server allows custom connectors.
import type { ActorKind } from '../store/records.js';
import { checkActor, createActor, deleteActor, findActor, listActors, publicActor, updateActor } from '../services/actor-service.js';
import { checkConnectorAllowed } from './connector-policy.js';
import { field, page, pagination } from './request-body.js';
import { createActorBody, updateActorBody } from './request-schemas.js';
import { API, type Route } from './route.js';

export function actorRoutes(kind: ActorKind): Route[] {
  const base = `${API}/${kind}s`;
  const tag = `${kind}s`;
  return [
    { method: 'GET', path: base, tag, paged: true, summary: `List ${kind}s (configs with secrets masked)`, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      return { body: page((await listActors(store, kind, { limit: at.limit + 1, offset: at.offset })).map(publicActor), at) };
    } },
    { method: 'POST', path: base, tag, summary: `Create a ${kind}; its config is checked against the connector's spec`, body: createActorBody,
      handle: async ({ store, logger, connectors }, { body }) => {
        checkConnectorAllowed(field<string>(body, 'connector', 'string', true)!, 'connector', connectors);
        const actor = await createActor(store, kind, {
          name: field<string>(body, 'name', 'string', true)!, connector: field<string>(body, 'connector', 'string', true)!, config: field(body, 'config', 'object') ?? {},
        }, logger);
        return { status: 201, body: publicActor(actor) };
      } },
    { method: 'GET', path: `${base}/{name}`, tag, summary: `Show a ${kind}`, handle: async ({ store }, { params }) => ({ body: publicActor(await findActor(store, kind, params['name']!)) }) },
    { method: 'PATCH', path: `${base}/{name}`, tag, summary: `Change a ${kind} (a masked secret keeps its stored value)`, body: updateActorBody,
      handle: async ({ store, logger, connectors }, { params, body }) => {
        const connector = field<string>(body, 'connector', 'string');
        if (connector !== undefined) checkConnectorAllowed(connector, 'connector', connectors);
        return { body: publicActor(await updateActor(store, kind, params['name']!, {
          name: field<string>(body, 'name', 'string'), connector: field<string>(body, 'connector', 'string'), config: field(body, 'config', 'object'),
        }, logger)) };
      } },
    { method: 'DELETE', path: `${base}/{name}`, tag, summary: `Delete a ${kind} no connection uses`, handle: async ({ store }, { params }) => {
      await deleteActor(store, kind, params['name']!);
      return { status: 204 };
    } },
    { method: 'POST', path: `${base}/{name}/check`, tag, summary: `Run the connector's check with the stored config`, handle: async ({ store, logger }, { params }) => ({
      body: await checkActor(store, kind, params['name']!, logger),
    }) },
  ];
}
