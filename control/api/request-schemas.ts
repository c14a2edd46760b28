// Owns the JSON Schemas of the API's request bodies and of an applied sluice.yaml document: every field typed,
// required ones listed, unknown ones refused. The OpenAPI document shows these same schemas.
import { SCHEMA_CHANGE_POLICIES, WEBHOOK_EVENTS } from '../store/records.js';
import type { JsonSchema } from './body-schema.js';

const name = { type: 'string', minLength: 1 };
const text = { type: 'string' };
const stringList = { type: 'array', items: text };
const streamOverride = {
  type: 'object',
  additionalProperties: false,
  properties: {
    syncMode: { type: 'string', enum: ['full_refresh', 'incremental'] },
    destinationSyncMode: { type: 'string', enum: ['append', 'overwrite', 'append_dedup', 'overwrite_dedup'] },
    cursorField: stringList,
    primaryKey: { type: 'array', items: stringList },
  },
};

function object(properties: Record<string, unknown>, required: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

const actorFields = { name, connector: name, config: { type: 'object' } };
export const createActorBody = object(actorFields, ['name', 'connector']);
export const updateActorBody = object(actorFields);

const connectionFields = {
  name,
  source: name,
  destination: name,
  streams: stringList,
  overrides: { type: 'object', additionalProperties: streamOverride },
  // The catalog's inside is checked against the protocol's ConfiguredAirbyteCatalog afterwards.
  catalog: { type: 'object', required: ['streams'], properties: { streams: { type: 'array', items: { type: 'object' } } } },
  schedule: { type: ['string', 'null'] },
  namespace: { type: ['string', 'null'] },
  streamPrefix: text,
  schemaChangePolicy: { type: 'string', enum: SCHEMA_CHANGE_POLICIES },
  status: { type: 'string', enum: ['active', 'inactive'] },
};
export const createConnectionBody = object(connectionFields, ['name', 'source', 'destination']);
export const updateConnectionBody = object(connectionFields);

export const resetStateBody = object({ stream: name });
export const createTokenBody = object({ name }, ['name']);
export const createWebhookBody = object(
  { name, url: { type: 'string', pattern: '^https?://' }, events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENTS] } } },
  ['name', 'url'],
);

// An apply document's schema is schemas/workspace-apply.schema.json (control/services/apply-file.ts owns it).
