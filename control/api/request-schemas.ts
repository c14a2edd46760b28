// Owns the TypeBox schemas of the API's requests: path parameters, the paging query, and every body, each field
// typed, required ones listed, unknown ones refused. Fastify checks requests against them and the OpenAPI document
// shows them. An applied sluice.yaml document has its own schema (control/services/apply-file.ts owns it).
import { Type, type Static, type TSchema } from 'typebox';
import { SCHEMA_CHANGE_POLICIES, WEBHOOK_EVENTS } from '../store/records.js';
import { mappersBody } from './mapper-schemas.js';

/** A string that is one of `values` (a plain `enum`, so that an error lists them). */
export function stringEnum<T extends string>(values: readonly T[], options: Record<string, unknown> = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

/** A string or null, as one `type` (so that an error says "must be a string or null"). */
export function stringOrNull(options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

/** An object whose keys are free and whose values fit `value`. */
export function mapOf<T extends TSchema>(value: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}

const name = Type.String({ minLength: 1 });
const text = Type.String();
const stringList = Type.Array(text);
const looseObject = Type.Unsafe<Record<string, unknown>>({ type: 'object' });

export const nameParams = Type.Object({ name: Type.String({ description: 'a name (or an id)' }) });
export const idParams = Type.Object({ id: Type.String({ description: 'a job id' }) });

export const pageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'rows per page' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'rows to skip' })),
});
export const jobsQuery = Type.Object({
  ...pageQuery.properties,
  connection: Type.Optional(Type.String({ description: "only this connection's jobs" })),
});

const streamOverride = Type.Object({
  syncMode: Type.Optional(stringEnum(['full_refresh', 'incremental'])),
  destinationSyncMode: Type.Optional(stringEnum(['append', 'overwrite', 'append_dedup', 'overwrite_dedup'])),
  cursorField: Type.Optional(stringList),
  primaryKey: Type.Optional(Type.Array(stringList)),
}, { additionalProperties: false });

const actorFields = { name, connector: name, config: looseObject };
export const createActorBody = Type.Object({ name, connector: name, config: Type.Optional(looseObject) }, { additionalProperties: false });
export const updateActorBody = Type.Partial(Type.Object(actorFields), { additionalProperties: false });
export const checkNewActorBody = Type.Object({ connector: name, config: Type.Optional(looseObject) }, { additionalProperties: false });
export const checkEditBody = Type.Object({ connector: Type.Optional(name), config: Type.Optional(looseObject) }, { additionalProperties: false });

const connectionFields = {
  name,
  source: name,
  destination: name,
  streams: stringList,
  overrides: mapOf(streamOverride),
  // The catalog's inside is checked against the protocol's ConfiguredAirbyteCatalog afterwards.
  catalog: Type.Unsafe<Record<string, unknown>>({ type: 'object', required: ['streams'], properties: { streams: { type: 'array', items: { type: 'object' } } } }),
  schedule: stringOrNull({ description: 'a cron expression, an interval such as "every 15m", or "continuous" (one job kept running, following the source); null: manual only' }),
  namespace: stringOrNull(),
  streamPrefix: text,
  schemaChangePolicy: stringEnum(SCHEMA_CHANGE_POLICIES),
  status: stringEnum(['active', 'inactive']),
  mappers: mappersBody,
  // Its rule is checked by the connection service, whose error names the field and says the rule.
  workerLabel: stringOrNull({ description: "the label a worker must have to run its jobs (lower-case letters, digits, '_', '-', '.'; at most 63); null: any worker" }),
};
const { name: _name, source: _source, destination: _destination, ...optionalConnectionFields } = connectionFields;
export const createConnectionBody = Type.Object({
  name, source: name, destination: name, ...Type.Partial(Type.Object(optionalConnectionFields)).properties,
}, { additionalProperties: false });
export const updateConnectionBody = Type.Partial(Type.Object(connectionFields), { additionalProperties: false });

/** The body of a route that takes no input: empty or `{}`. */
export const noBody = Type.Object({}, { additionalProperties: false });
export const resetStateBody = Type.Object({ stream: Type.Optional(name) }, { additionalProperties: false });
export const createTokenBody = Type.Object({ name }, { additionalProperties: false });
export const createWebhookBody = Type.Object({
  name,
  url: Type.String({ pattern: '^https?://' }),
  events: Type.Optional(Type.Array(stringEnum(WEBHOOK_EVENTS))),
}, { additionalProperties: false });
export const connectorQuery = Type.Object({
  connector: Type.String({ minLength: 1, description: 'a built-in name, docker:IMAGE[:TAG], or a path or command when the server allows them' }),
});
/** `?check=false` saves a source or destination without running the connector's check. */
export const saveActorQuery = Type.Object({
  check: Type.Optional(Type.Boolean({ default: true, description: "run the connector's check before saving (a FAILED check refuses the save)" })),
});
export const signInBody = Type.Object({ token: Type.String({ description: 'an API token (sluice token create NAME)' }) }, { additionalProperties: false });
