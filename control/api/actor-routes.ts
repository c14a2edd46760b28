// Owns the API routes of sources and destinations: list (paged), create, show, update, delete, check. Configs
// are always returned with their secrets masked; a connector that is a path or a command is refused unless the
// server allows custom connectors. Saving runs the connector's check unless `?check=false`.
import type { ActorKind } from '../store/records.js';
import { checkActor, checkEditedActor, checkNewActor, createActor, deleteActor, findActor, listActors, publicActor, updateActor } from '../services/actor-service.js';
import { checkConnectorAllowed } from './connector-policy.js';
import { field, page, pagination } from './request-body.js';
import { checkEditBody, checkNewActorBody, createActorBody, nameParams, pageQuery, saveActorQuery, updateActorBody } from './request-schemas.js';
import { Actor, CheckResult, NoContent, Page, withErrors } from './response-schemas.js';
import { API, route, type Route } from './route.js';

export function actorRoutes(kind: ActorKind): Route[] {
  const base = `${API}/${kind}s`;
  const tag = `${kind}s`;
  return [
    route({ method: 'GET', path: base, tag, summary: `List ${kind}s (configs with secrets masked)`, schema: { querystring: pageQuery, response: withErrors({ 200: Page(Actor) }) }, handle: async ({ store }, { query }) => {
      const at = pagination(query);
      return { body: page((await listActors(store, kind, { limit: at.limit + 1, offset: at.offset })).map(publicActor), at) };
    } }),
    route({ method: 'POST', path: base, tag, summary: `Create a ${kind}; its config is checked against the connector's spec, then by the connector's check (unless ?check=false)`,
      schema: { querystring: saveActorQuery, body: createActorBody, response: withErrors({ 201: Actor }) },
      handle: async ({ store, logger, connectors }, { body, query }) => {
        checkConnectorAllowed(field<string>(body, 'connector', 'string', true)!, 'connector', connectors);
        const actor = await createActor(store, kind, {
          name: field<string>(body, 'name', 'string', true)!, connector: field<string>(body, 'connector', 'string', true)!, config: field(body, 'config', 'object') ?? {},
        }, logger, { check: query.check !== false });
        return { status: 201, body: publicActor(actor) };
      } }),
    route({ method: 'GET', path: `${base}/{name}`, tag, summary: `Show a ${kind}`, schema: { params: nameParams, response: withErrors({ 200: Actor }) }, handle: async ({ store }, { params }) => ({ body: publicActor(await findActor(store, kind, params['name']!)) }) }),
    route({ method: 'PATCH', path: `${base}/{name}`, tag, summary: `Change a ${kind} (a masked secret keeps its stored value); a new config or connector is checked (unless ?check=false)`,
      schema: { params: nameParams, querystring: saveActorQuery, body: updateActorBody, response: withErrors({ 200: Actor }) },
      handle: async ({ store, logger, connectors }, { params, body, query }) => {
        const connector = field<string>(body, 'connector', 'string');
        if (connector !== undefined) checkConnectorAllowed(connector, 'connector', connectors);
        return { body: publicActor(await updateActor(store, kind, params['name']!, {
          name: field<string>(body, 'name', 'string'), connector: field<string>(body, 'connector', 'string'), config: field(body, 'config', 'object'),
        }, logger, { check: query.check !== false })) };
      } }),
    route({ method: 'DELETE', path: `${base}/{name}`, tag, summary: `Delete a ${kind} no connection uses`, schema: { params: nameParams, response: withErrors({ 204: NoContent }) }, handle: async ({ store }, { params }) => {
      await deleteActor(store, kind, params['name']!);
      return { status: 204 };
    } }),
    route({ method: 'POST', path: `${base}/check`, tag, summary: `Run a connector's check on a ${kind} config without saving it`,
      schema: { body: checkNewActorBody, response: withErrors({ 200: CheckResult }) },
      handle: async ({ logger, connectors }, { body }) => {
        const connector = field<string>(body, 'connector', 'string', true)!;
        checkConnectorAllowed(connector, 'connector', connectors);
        return { body: await checkNewActor(kind, { connector, config: field(body, 'config', 'object') ?? {} }, logger) };
      } }),
    route({ method: 'POST', path: `${base}/{name}/check`, tag,
      summary: `Run the connector's check with the stored config, or with the config and connector given (a masked secret keeps its stored value) without saving them`,
      schema: { params: nameParams, body: checkEditBody, response: withErrors({ 200: CheckResult }) },
      handle: async ({ store, logger, connectors }, { params, body }) => {
        const connector = field<string>(body, 'connector', 'string');
        const config = field<Record<string, unknown>>(body, 'config', 'object');
        if (connector === undefined && config === undefined) return { body: await checkActor(store, kind, params['name']!, logger) };
        if (connector !== undefined) checkConnectorAllowed(connector, 'connector', connectors);
        return { body: await checkEditedActor(store, kind, params['name']!, { connector, config }, logger) };
      } }),
  ];
}
