// Owns listing a connection's configured streams (name, sync mode combination, cursor and primary key), with the
// namespace and prefix they get in the destination. The cursor is shown only for an incremental stream: a full
// refresh reads everything, whatever cursor the source names.
import { modeLabel } from '../lib/sync-modes';
import type { StreamSummary } from '../types';

interface Props {
  streams: StreamSummary[];
  namespace?: string | null;
  prefix?: string;
}

export function StreamsTable({ streams, namespace, prefix }: Props) {
  if (streams.length === 0) return <p className="muted">No streams are configured.</p>;
  return (
    <>
      <p className="muted">
        In the destination: namespace {namespace ? <code>{namespace}</code> : 'as the source says'}, stream names{' '}
        {prefix ? <>prefixed with <code>{prefix}</code></> : 'as they are'}.
      </p>
      <table className="table compact">
        <caption className="sr-only">Streams synced by this connection</caption>
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col">Sync mode</th>
            <th scope="col">Cursor field</th>
            <th scope="col">Primary key</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((stream) => {
            const key = stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name;
            return (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{modeLabel(stream.syncMode, stream.destinationSyncMode)}</td>
                <td>{stream.syncMode === 'incremental' && stream.cursorField?.length ? <code>{stream.cursorField.join('.')}</code> : <span className="muted">—</span>}</td>
                <td>{stream.primaryKey?.length ? <code>{stream.primaryKey.map((path) => path.join('.')).join(', ')}</code> : <span className="muted">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
