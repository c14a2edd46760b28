// Owns where each stream of a catalog goes: its schema, final table and overwrite staging table, collision-free.
// Rule (names are PostgreSQL identifiers, quoted, so case, spaces, slashes and any script are kept as they are):
// - schema: the target schema, or with namespace_mode "source" the stream's namespace when it has a non-empty one;
//   a name starting with "pg_" (reserved by PostgreSQL) gets a "_" in front;
// - table: the stream name; a stream name ending in "_airbyte_tmp" (staging tables end so) and each stream of a group
//   that would share one schema and table (same name, different namespaces, with namespace_mode "destination") gets
//   "_" + the first 8 hex digits of the SHA-1 of its descriptor (`["namespace or null","name"]` as JSON) appended;
// - staging table: the table's name + "_airbyte_tmp";
// - any of these longer than PostgreSQL's 63 bytes keeps a prefix (whole characters) and ends with "_" + the first 8
//   hex digits of the SHA-1 of the whole name (before the "_airbyte_tmp" of a staging table), so long names that
//   share a prefix stay distinct.
// The same catalog maps the same way on every run whatever the order of its streams.
import { createHash } from 'node:crypto';
import { ConnectorError } from '../kit/run-connector.js';

export const MAX_IDENTIFIER_BYTES = 63;
const STAGING_SUFFIX = '_airbyte_tmp';

export interface StreamPlace {
  schema: string;
  /** The final table, unqualified. */
  table: string;
  /** The overwrite staging table, unqualified, in the same schema. */
  staging: string;
}

export interface Descriptor {
  name: string;
  namespace?: string | null;
}

const describe = (stream: Descriptor): string => (stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name);
const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 8);

/** `name + suffix` when it fits 63 bytes; otherwise a prefix of `name`, "_" + a hash of name + suffix, then suffix. */
export function shortName(name: string, suffix = ''): string {
  const full = name + suffix;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const tail = `_${sha1(full)}${suffix}`;
  const characters = [...name];
  while (Buffer.byteLength(characters.join('') + tail) > MAX_IDENTIFIER_BYTES) characters.pop();
  return characters.join('') + tail;
}

/** A schema PostgreSQL accepts for `name`: at most 63 bytes, and not starting with the reserved "pg_". */
export function schemaName(name: string): string {
  return shortName(name.startsWith('pg_') ? `_${name}` : name);
}

/** The place of every stream, keyed by `keyOf(descriptor)`. */
export function placeStreams(
  streams: Descriptor[],
  schemaOf: (stream: Descriptor) => string,
  keyOf: (stream: Descriptor) => string,
): Map<string, StreamPlace> {
  const bases = streams.map((stream) => ({ stream, schema: schemaName(schemaOf(stream)), base: stream.name }));
  const groups = new Map<string, number>();
  for (const { schema, base } of bases) {
    const key = JSON.stringify([schema, base]);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const places = new Map<string, StreamPlace>();
  const taken = new Map<string, Descriptor>();
  for (const { stream, schema, base } of bases) {
    const collides = (groups.get(JSON.stringify([schema, base])) ?? 0) > 1 || base.endsWith(STAGING_SUFFIX);
    const logical = collides ? `${base}_${sha1(JSON.stringify([stream.namespace ?? null, stream.name]))}` : base;
    const place = { schema, table: shortName(logical), staging: shortName(logical, STAGING_SUFFIX) };
    for (const name of [place.table, place.staging]) {
      const other = taken.get(JSON.stringify([schema, name]));
      if (other !== undefined && keyOf(other) !== keyOf(stream)) {
        throw new ConnectorError(`streams ${describe(other)} and ${describe(stream)} would both use table ${schema}.${name}; rename one of them`, 'config_error');
      }
      taken.set(JSON.stringify([schema, name]), stream);
    }
    places.set(keyOf(stream), place);
  }
  return places;
}
