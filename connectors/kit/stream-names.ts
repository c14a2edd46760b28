// Owns naming what a stream is stored in (a file, a table), so that no two streams of a catalog ever share one.
// The rule, for every destination that stores streams under names of its own. A stream's name depends only on that
// stream (its namespace and name), never on the other streams of the run, so a stream lands in the same file or
// table whichever streams are synced with it:
//  1. Each part (namespace, name) is cleaned by the destination's `clean` (characters the target cannot hold are
//     replaced), then the parts are joined by its `join`.
//  2. A stream whose parts the cleaning left unchanged (and, where the target ignores case, that are all lower-case)
//     keeps that name. Any other stream always gets `_` and 8 hex digits of the SHA-256 of its original namespace and
//     name appended.
//  3. A name longer than `maxBytes` (UTF-8) is cut and always gets the suffix.
// Two streams that still share a name (a clean name literally equal to another stream's suffixed name, compared
// without case where the target ignores case) are refused before anything is written, naming both.
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

/** Each stream's name under `rule`, in the order given; throws a config_error when two collide. */
export function targetNames(streams: ReadonlyArray<Pick<StreamDescriptor, 'name' | 'namespace'>>, rule: NamingRule): string[] {
  const key = (name: string): string => (rule.caseInsensitive ? name.toLowerCase() : name);
  const names = streams.map((stream) => targetName(stream, rule));
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

/** One stream's name under `rule`: its own, when already clean for the target, else cleaned with its suffix. */
function targetName(stream: Pick<StreamDescriptor, 'name' | 'namespace'>, rule: NamingRule): string {
  const namespace = stream.namespace || undefined;
  const parts = namespace === undefined ? [stream.name] : [namespace, stream.name];
  const clean = parts.every((part) => rule.clean(part) === part && (!rule.caseInsensitive || part === part.toLowerCase()));
  const base = rule.join(namespace === undefined ? undefined : rule.clean(namespace), rule.clean(stream.name));
  if (rule.maxBytes !== undefined && Buffer.byteLength(base) > rule.maxBytes) return cut(base, rule.maxBytes - SUFFIX_LENGTH) + nameSuffix(stream);
  if (clean) return base;
  return (rule.maxBytes === undefined ? base : cut(base, rule.maxBytes - SUFFIX_LENGTH)) + nameSuffix(stream);
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
