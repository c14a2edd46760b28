// Owns creating, updating, checking and deleting sources and destinations. The connector's spec is read at
// create and update time: the config is validated against it and its airbyte_secret paths are stored with the
// actor, so secrets are encrypted at rest and masked in everything shown. An update that sends the mask back
// for a secret keeps the stored value (so `show` → edit → `update` round-trips).
import { SluiceError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { MASK, maskConfig, secretPaths } from '../secrets.js';
import type { Store } from '../store/open-store.js';
import type { Actor, ActorKind } from '../store/records.js';
import { mapSecrets, valueAt } from '../store/secret-fields.js';
import { clientFor } from './clients.js';

export interface ActorDefinition {
  name: string;
  connector: string;
  config: unknown;
}

/** What may be shown of an actor: the config with its secrets masked. */
export interface PublicActor {
  id: string;
  kind: ActorKind;
  name: string;
  connector: string;
  config: unknown;
  createdAt: string;
  updatedAt: string;
}

export function publicActor(actor: Actor): PublicActor {
  return {
    id: actor.id,
    kind: actor.kind,
    name: actor.name,
    connector: actor.connector,
    config: maskConfig(actor.config, actor.secretPaths),
    createdAt: new Date(actor.createdAt).toISOString(),
    updatedAt: new Date(actor.updatedAt).toISOString(),
  };
}

export async function createActor(store: Store, kind: ActorKind, definition: ActorDefinition, logger: Logger = silentLogger): Promise<Actor> {
  checkName(definition.name, kind);
  const paths = await validatedSecretPaths(kind, definition, logger);
  return store.actors.create(kind, { ...definition, secretPaths: paths });
}

export async function updateActor(
  store: Store,
  kind: ActorKind,
  nameOrId: string,
  patch: Partial<ActorDefinition>,
  logger: Logger = silentLogger,
): Promise<Actor> {
  const actor = await findActor(store, kind, nameOrId);
  const name = patch.name ?? actor.name;
  checkName(name, kind);
  const config = patch.config === undefined ? actor.config : keepMaskedSecrets(patch.config, actor);
  const definition = { name, connector: patch.connector ?? actor.connector, config };
  const paths = await validatedSecretPaths(kind, definition, logger);
  return store.actors.update(actor, { ...definition, secretPaths: paths });
}

export async function deleteActor(store: Store, kind: ActorKind, nameOrId: string): Promise<Actor> {
  const actor = await findActor(store, kind, nameOrId);
  const users = await store.connections.usingActor(actor.id);
  if (users.length > 0) {
    throw new SluiceError('actor.in_use', `${kind} ${actor.name} is used by connection(s) ${users.map((c) => c.name).join(', ')}`, {
      hint: 'delete those connections first',
    });
  }
  await store.actors.delete(actor.id);
  return actor;
}

export async function checkActor(store: Store, kind: ActorKind, nameOrId: string, logger: Logger = silentLogger): Promise<{ status: string; message?: string }> {
  const actor = await findActor(store, kind, nameOrId);
  const client = await clientFor(actor.connector, { logger });
  const status = await client.check(actor.config, `${kind} ${actor.name} config`);
  return { status: status.status, ...(status.message ? { message: status.message } : {}) };
}

export async function findActor(store: Store, kind: ActorKind, nameOrId: string): Promise<Actor> {
  const actor = await store.actors.find(kind, nameOrId);
  if (!actor) {
    throw new SluiceError(kind === 'source' ? 'source.not_found' : 'destination.not_found', `no ${kind} named ${nameOrId}`, {
      hint: `see: sluice ${kind} list`,
    });
  }
  return actor;
}

async function validatedSecretPaths(kind: ActorKind, definition: ActorDefinition, logger: Logger): Promise<string[][]> {
  const client = await clientFor(definition.connector, { logger });
  await client.prepareConfig(definition.config, `${kind} ${definition.name} config`);
  const spec = await client.spec();
  return secretPaths(spec.connectionSpecification);
}

function keepMaskedSecrets(config: unknown, actor: Actor): unknown {
  return mapSecrets(config, actor.secretPaths, (value, path) => (value === MASK ? valueAt(actor.config, path) : value));
}

function checkName(name: string, kind: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new SluiceError('cli.usage', `${kind} name "${name}": use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit`);
  }
}
