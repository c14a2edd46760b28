// Owns creating, updating, checking and deleting sources and destinations. The connector's spec is read at
// create and update time: the config is validated against it and its airbyte_secret paths are stored with the
// actor, so secrets are encrypted at rest and masked in everything shown. An update that sends the mask back
// for a secret keeps the stored value (so `show` → edit → `update` round-trips). Relative file paths in the
// config (spec fields with `format: "path"`) are made absolute before it is stored (config-paths.ts). Asked to
// (`check: true`; the CLI and the API do so unless told not to), saving also runs the connector's check, and a
// FAILED check refuses the save with connector.check_failed carrying the connector's own (redacted) message.
import { SluiceError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import { MASK, maskConfig, secretPaths } from '../../runtime/secrets.js';
import type { Store } from '../store/open-store.js';
import type { Actor, ActorKind, Page } from '../store/records.js';
import { mapSecrets, valueAt } from '../store/secret-fields.js';
import { clientFor } from './clients.js';
import { pathFields, resolveConfigPaths, resolvesLocalPaths } from './config-paths.js';

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

export interface ActorOptions {
  /** The directory relative paths in the config mean: where the user is, or the apply file's directory. */
  baseDir?: string;
  /** Run the connector's check before saving (an update only when its config or connector changes). */
  check?: boolean;
}

/** A definition checked against its connector's spec: the config with its paths made absolute, and its secret paths. */
export interface PreparedActor {
  config: unknown;
  secretPaths: string[][];
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

export function listActors(store: Store, kind: ActorKind, page: Page = {}): Promise<Actor[]> {
  return store.actors.list(kind, page);
}

export async function createActor(
  store: Store,
  kind: ActorKind,
  definition: ActorDefinition,
  logger: Logger = silentLogger,
  options: ActorOptions = {},
): Promise<Actor> {
  checkName(definition.name, kind);
  const prepared = await prepareActor(kind, definition, logger, options);
  return store.actors.create(kind, { ...definition, ...prepared });
}

export async function updateActor(
  store: Store,
  kind: ActorKind,
  nameOrId: string,
  patch: Partial<ActorDefinition>,
  logger: Logger = silentLogger,
  options: ActorOptions = {},
): Promise<Actor> {
  const actor = await findActor(store, kind, nameOrId);
  const name = patch.name ?? actor.name;
  checkName(name, kind);
  const config = patch.config === undefined ? actor.config : keepMaskedSecrets(patch.config, actor);
  const definition = { name, connector: patch.connector ?? actor.connector, config };
  // A stored config's paths are already absolute: only a new config is resolved, against where it comes from.
  const check = options.check === true && (patch.config !== undefined || (patch.connector !== undefined && patch.connector !== actor.connector));
  const prepared = await prepareActor(kind, definition, logger, patch.config === undefined ? { baseDir: undefined, keepPaths: true, check } : { ...options, check });
  return store.actors.update(actor, { ...definition, ...prepared });
}

/**
 * Checks a definition against its connector's spec without storing anything: relative paths made absolute
 * against `baseDir` (default: the working directory), the config validated, its secret paths found; with `check`,
 * the connector's check run too.
 */
export async function prepareActor(
  kind: ActorKind,
  definition: ActorDefinition,
  logger: Logger = silentLogger,
  options: ActorOptions & { keepPaths?: boolean } = {},
): Promise<PreparedActor> {
  const prepared = await validateDefinition(kind, definition, logger, options);
  if (options.check) {
    const status = await prepared.check();
    if (status.status !== 'SUCCEEDED') {
      throw new SluiceError('connector.check_failed', status.message ?? `${kind} ${definition.name}: the connector's check failed without saying why`, {
        hint: 'fix the config, or save it unchecked: ?check=false in the API, --no-check on the CLI',
      });
    }
  }
  return { config: prepared.config, secretPaths: prepared.secretPaths };
}

export interface CheckResult {
  status: string;
  message?: string;
}

/** Runs the connector's check on a new actor's config without storing anything (the dashboard's "Test" before "Save"). */
export async function checkNewActor(kind: ActorKind, draft: { connector: string; config: Record<string, unknown> }, logger: Logger = silentLogger): Promise<CheckResult> {
  const prepared = await validateDefinition(kind, { name: 'draft', ...draft }, logger, {});
  return checkResult(await prepared.check());
}

/**
 * Runs the connector's check on a stored actor with `edit` applied, without storing it: a masked secret in the
 * edited config keeps its stored value, as saving would.
 */
export async function checkEditedActor(
  store: Store,
  kind: ActorKind,
  nameOrId: string,
  edit: { connector?: string; config?: Record<string, unknown> },
  logger: Logger = silentLogger,
): Promise<CheckResult> {
  const actor = await findActor(store, kind, nameOrId);
  const config = edit.config === undefined ? actor.config : keepMaskedSecrets(edit.config, actor);
  const definition = { name: actor.name, connector: edit.connector ?? actor.connector, config };
  // A stored config's paths are already absolute: only an edited one is resolved.
  const prepared = await validateDefinition(kind, definition, logger, { keepPaths: edit.config === undefined });
  return checkResult(await prepared.check());
}

export async function checkActor(store: Store, kind: ActorKind, nameOrId: string, logger: Logger = silentLogger): Promise<CheckResult> {
  const actor = await findActor(store, kind, nameOrId);
  const client = await clientFor(actor.connector, { logger });
  return checkResult(await client.check(actor.config, `${kind} ${actor.name} config`));
}

function checkResult(status: { status: string; message?: string | null | undefined }): CheckResult {
  return { status: status.status, ...(status.message ? { message: status.message } : {}) };
}

/** The definition against its connector's spec (paths made absolute, config validated), and a way to run its check. */
async function validateDefinition(
  kind: ActorKind,
  definition: ActorDefinition,
  logger: Logger,
  options: ActorOptions & { keepPaths?: boolean },
): Promise<PreparedActor & { check: () => ReturnType<Awaited<ReturnType<typeof clientFor>>['check']> }> {
  const client = await clientFor(definition.connector, { logger });
  const spec = await client.spec();
  const fields = options.keepPaths || !resolvesLocalPaths(definition.connector) ? [] : pathFields(spec.connectionSpecification);
  const config = resolveConfigPaths(definition.config, fields, options.baseDir ?? process.cwd());
  const label = `${kind} ${definition.name} config`;
  await client.prepareConfig(config, label);
  return { config, secretPaths: secretPaths(spec.connectionSpecification), check: () => client.check(config, label) };
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

export async function findActor(store: Store, kind: ActorKind, nameOrId: string): Promise<Actor> {
  const actor = await store.actors.find(kind, nameOrId);
  if (!actor) {
    throw new SluiceError(kind === 'source' ? 'source.not_found' : 'destination.not_found', `no ${kind} named ${nameOrId}`, {
      hint: `see: sluice ${kind} list`,
    });
  }
  return actor;
}

function keepMaskedSecrets(config: unknown, actor: Actor): unknown {
  return mapSecrets(config, actor.secretPaths, (value, path) => (value === MASK ? valueAt(actor.config, path) : value));
}

function checkName(name: string, kind: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) {
    throw new SluiceError('cli.usage', `${kind} name "${name}": use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit`);
  }
}
