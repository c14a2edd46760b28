// Owns the requests of the sources and destinations pages: actors, the connector catalog and specs, and the check.
// Everything goes through api.ts; the query keys here are the ones these pages invalidate.
import { del, enc, get, patch, post, type Page } from '../api';
import type { Actor } from '../types';
import type { JsonSchema } from './spec-form';

export type ActorKind = Actor['kind'];

export interface ConnectorInfo {
  name: string;
  kind: ActorKind;
  description: string;
}

export interface ConnectorSpecification {
  connectionSpecification: JsonSchema;
  documentationUrl?: string;
}

export interface CheckResult {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

/** The API code of a failed connection check on create (422): the message is the connector's own. */
export const CHECK_FAILED = 'connector.check_failed';

const base = (kind: ActorKind): string => `/${kind}s`;

// The list's key prefixes every actor's key: invalidate the list with `exact: true`, or every actor refetches too.
export const actorKeys = {
  list: (kind: ActorKind) => ['actors', kind] as const,
  one: (kind: ActorKind, name: string) => ['actors', kind, name] as const,
};

export const listActors = (kind: ActorKind): Promise<Page<Actor>> => get<Page<Actor>>(`${base(kind)}?limit=500`);
export const getActor = (kind: ActorKind, name: string): Promise<Actor> => get<Actor>(`${base(kind)}/${enc(name)}`);
export const listConnectors = (): Promise<{ data: ConnectorInfo[] }> => get<{ data: ConnectorInfo[] }>('/connectors');
export const getSpec = (connector: string): Promise<ConnectorSpecification> =>
  get<ConnectorSpecification>(`/connectors/spec?connector=${enc(connector)}`);

export interface ActorDraft {
  name: string;
  connector: string;
  config: Record<string, unknown>;
}

/** Creates an actor; the server checks the connection first unless `check` is false (a failure is CHECK_FAILED). */
export const createActor = (kind: ActorKind, draft: ActorDraft, check: boolean): Promise<Actor> =>
  post<Actor>(`${base(kind)}${check ? '' : '?check=false'}`, draft);

export const updateActor = (kind: ActorKind, name: string, change: Partial<ActorDraft>): Promise<Actor> =>
  patch<Actor>(`${base(kind)}/${enc(name)}`, change);

export const deleteActor = (kind: ActorKind, name: string): Promise<void> => del(`${base(kind)}/${enc(name)}`);

/** The connector's check on a stored actor; with `config`, on that config instead (masked secrets keep their stored values), without saving it. */
export const checkActor = (kind: ActorKind, name: string, config?: Record<string, unknown>): Promise<CheckResult> =>
  post<CheckResult>(`${base(kind)}/${enc(name)}/check`, config === undefined ? {} : { config });

/** The connector's check on a config that is not saved. */
export const checkNewActor = (kind: ActorKind, draft: Pick<ActorDraft, 'connector' | 'config'>): Promise<CheckResult> =>
  post<CheckResult>(`${base(kind)}/check`, { connector: draft.connector, config: draft.config });
