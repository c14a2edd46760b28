// Owns showing a connection's state as stored (GET /connections/{name}/state): per stream its state as formatted
// JSON, or the global/legacy state as one block. For reading only (never sent back), so formatting it with JSON
// is safe here; it is changed only by syncs and resets.
import type { StateMessage } from '../lib/connection-api';

export function StateView({ state }: { state: StateMessage[] }) {
  if (state.length === 0) return <p className="muted">No state yet: the next sync reads every stream from the start.</p>;
  return (
    <div className="state-list">
      {state.map((message, index) => {
        const descriptor = message.stream?.stream_descriptor;
        const title = descriptor ? (descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name) : message.type === 'GLOBAL' ? 'Global state' : 'State';
        const value = message.stream ? message.stream.stream_state : message.global ?? message.data ?? message;
        return (
          <section key={`${title}-${index}`} className="state" aria-label={`State of ${title}`}>
            <h3>{title}</h3>
            <pre className="json">{JSON.stringify(value, null, 2)}</pre>
          </section>
        );
      })}
    </div>
  );
}
