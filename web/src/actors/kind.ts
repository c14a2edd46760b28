// Owns how the two kinds of actor are named on screen and in URLs.
import type { ActorKind } from './actor-api';

export interface KindWords {
  /** "source" */
  one: string;
  /** "Sources" */
  title: string;
  /** "/sources" */
  path: string;
}

export const KIND_WORDS: Record<ActorKind, KindWords> = {
  source: { one: 'source', title: 'Sources', path: '/sources' },
  destination: { one: 'destination', title: 'Destinations', path: '/destinations' },
};

export const actorPath = (kind: ActorKind, name: string): string => `${KIND_WORDS[kind].path}/${encodeURIComponent(name)}`;
