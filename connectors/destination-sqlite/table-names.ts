// Owns naming a stream's table: namespace and stream name joined by `_`, every character other than a letter, a
// digit or `_` replaced by `_`, prefixed with `_` when it would start with a digit or `sqlite_`; two streams that
// would share a table (SQLite compares names without case) are refused.
import type { ConfiguredAirbyteStream } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { ConnectorError } from '../kit/run-connector.js';

export const TMP_PREFIX = '_sluice_tmp_';

export function tableNameOf(name: string, namespace?: string | null): string {
  let table = `${namespace ? `${namespace}_` : ''}${name}`.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(table) || /^sqlite_/i.test(table) || table.startsWith(TMP_PREFIX)) table = `_${table}`;
  return table;
}

/** Each configured stream's table name, in catalog order; fails when two streams would write the same table. */
export function tableNames(streams: ConfiguredAirbyteStream[]): string[] {
  const owners = new Map<string, string>();
  return streams.map(({ stream }) => {
    const table = tableNameOf(stream.name, stream.namespace);
    const owner = owners.get(table.toLowerCase());
    if (owner !== undefined) {
      throw new ConnectorError(`streams ${owner} and ${describeStream(stream)} would both be written to table ${table}`, 'config_error');
    }
    owners.set(table.toLowerCase(), describeStream(stream));
    return table;
  });
}
