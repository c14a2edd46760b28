// Owns naming what a stream is stored in (a file, a table), so that no two streams of a catalog ever share one.
// The rule, for every destination that stores streams under names of its own:
//  1. Each part (namespace, name) is cleaned by the destination's `clean` (characters the target cannot hold are
//     replaced), then the parts are joined by its `join`. A name the cleaning left unchanged is used as is.
//  2. When two or more streams end up with the same name (compared without case where the target ignores case),
//     each of them gets `_` and 8 hex digits of the SHA-256 of its original namespace and name appended, except the
//     one whose name was already clean (if several are, the first of them in code-unit order keeps it). The suffix
//     depends only on the stream itself, so names are the same on every run and in any catalog order.
//  3. A name longer than `maxBytes` (UTF-8) is cut and always gets the suffix.
// Two streams that still share a name (a stream literally named like another's suffixed name) are refused.
import { createHash } from 'node:crypto';
import type { StreamDescriptor } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { ConnectorError } from './run-connector.js';

export interface NamingRule {
  /** One part (a namespace or a name) as the target can hold it. */
  clean(part: string): string;
  /** The name for a namespace (undefined when the stream has none) and a name, both already cleaned. */
  join(namespace: string | undefined, name: string): string;
  /** The target compares names without case (SQLite tables, file systems of macOS and Windows). */
  caseInsensitive?: boolean;
  /** The longest name the target takes, in UTF-8 bytes (e.g. 63 for a PostgreSQL identifier). */
  maxBytes?: number;
}

const SUFFIX_LENGTH = 9; // `_` and 8 hex digits

/** `_` and 8 hex digits derived from the stream's original namespace and name. */
export function nameSuffix(stream: Pick<StreamDescriptor, 'name' | 'namespace'>): string {
  return `_${createHash('sha256').update(JSON.stringify([stream.namespace ?? null, stream.name])).digest('hex').slice(0, 8)}`;
}

/** Each stream's name under `rule`, in the order given; throws a config_error when two still collide. */
export function targetNames(streams: ReadonlyArray<Pick<StreamDescriptor, 'name' | 'namespace'>>, rule: NamingRule): string[] {
  const key = (name: string): string => (rule.caseInsensitive ? name.toLowerCase() : name);
  const bases = streams.map((stream) => {
    const namespace = stream.namespace || undefined;
    const base = rule.join(namespace === undefined ? undefined : rule.clean(namespace), rule.clean(stream.name));
    const clean = base === rule.join(namespace, stream.name);
    if (rule.maxBytes !== undefined && Buffer.byteLength(base) > rule.maxBytes) {
      return { base: cut(base, rule.maxBytes - SUFFIX_LENGTH) + nameSuffix(stream), clean: false, fixed: true };
    }
    return { base, clean, fixed: false };
  });
  const groups = new Map<string, number[]>();
  bases.forEach(({ base }, index) => {
    const members = groups.get(key(base));
    if (members) members.push(index);
    else groups.set(key(base), [index]);
  });
  const names = bases.map(({ base }) => base);
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const keeper = members
      .filter((index) => bases[index]!.clean)
      .sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0))[0];
    for (const index of members) {
      if (index === keeper || bases[index]!.fixed) continue;
      const base = names[index]!;
      const room = rule.maxBytes === undefined ? base : cut(base, rule.maxBytes - SUFFIX_LENGTH);
      names[index] = room + nameSuffix(streams[index]!);
    }
  }
  const owners = new Map<string, number>();
  names.forEach((name, index) => {
    const owner = owners.get(key(name));
    if (owner !== undefined) {
      throw new ConnectorError(`streams ${describeStream(streams[owner]!)} and ${describeStream(streams[index]!)} would both be stored as ${name}; rename one of them`, 'config_error');
    }
    owners.set(key(name), index);
  });
  return names;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, never splitting a character. */
function cut(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/**
 * Files in a directory (destination-local-json, destination-csv): letters, digits, `_`, `.` and `-` kept, any other
 * character `_`, a leading dot `_` (no hidden files, no `..`); `<namespace>__<name>`; at most 200 bytes before the
 * destination's extension.
 */
export const FILE_NAMES: NamingRule = {
  clean: (part) => part.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\./, '_'),
  join: (namespace, name) => (namespace === undefined ? name : `${namespace}__${name}`),
  maxBytes: 200,
};
