// Owns naming a stream's table: the kit's naming rule (stream-names.ts) with SQLite's parts: every character other
// than a letter, a digit or `_` replaced by `_`, namespace and name joined by `_`, prefixed with `_` when it would
// start with a digit, `sqlite_` or the side-table prefix; names compared without case, as SQLite does, so a stream keeps
// its name only when that is already clean and all lower-case, any other gets its stable suffix (see stream-names.ts).
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { targetNames, type NamingRule } from '../kit/stream-names.js';

export const TMP_PREFIX = '_sluice_tmp_';

export const TABLE_NAMES: NamingRule = {
  clean: (part) => part.replace(/[^A-Za-z0-9_]/g, '_'),
  join: (namespace, name) => {
    const table = namespace === undefined ? name : `${namespace}_${name}`;
    return /^[0-9]/.test(table) || /^sqlite_/i.test(table) || table.startsWith(TMP_PREFIX) ? `_${table}` : table;
  },
  caseInsensitive: true,
};

/** Each configured stream's table name, in catalog order. */
export function tableNames(streams: ConfiguredAirbyteStream[]): string[] {
  return targetNames(streams.map((configured) => configured.stream), TABLE_NAMES);
}
